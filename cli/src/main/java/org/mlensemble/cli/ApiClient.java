package org.mlensemble.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP to the service through a list of base URLs (main load balancer first, then the backup),
 * failing over by itself.
 *
 * <p>Every request goes to the preferred URL first; on a connect failure, a timeout, or a
 * 502/504 from nginx (no api instance behind it answered) it goes to the next URL. Any other
 * answer, including 4xx and 503, is the service's own answer and is returned as is: another
 * load balancer reaches the same api instances and would answer the same.
 *
 * <p>Failing over re-sends the request, which is safe for every call mlctl makes: GETs, predict
 * and evaluate only read, and fit always carries an {@code Idempotency-Key} so that the api
 * joins the retry to the same model instead of training a second one.
 *
 * <p>Once a URL has answered it stays the preferred one for the rest of this invocation (a fit
 * polls its progress many times: a dead main load balancer should cost one connect failure, not
 * one per poll). The next URLs are still tried when it fails.
 */
final class ApiClient {

    /** Short: the load balancers are near; a dead one should cost little before failing over. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** An answer from one of the URLs. */
    record Response(int status, String body, HttpHeaders headers, URI base) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** No URL answered (every one refused, timed out or answered 502/504). */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    private final List<URI> urls;
    private final String apiKey;
    private final HttpClient http;
    private final Consumer<String> notes;
    private int preferred;

    /**
     * @param urls   base URLs, main load balancer first
     * @param apiKey sent as {@code X-API-Key} when not null
     * @param notes  where failover notes go (stderr)
     */
    ApiClient(List<URI> urls, String apiKey, Consumer<String> notes) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no URL");
        }
        this.urls = List.copyOf(urls);
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.notes = notes;
        // HTTP/1.1: nginx does not speak cleartext HTTP/2, and the default would try an upgrade.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    List<URI> urls() {
        return urls;
    }

    /** "main load balancer", "backup load balancer", then "load balancer 3"... */
    static String role(int index) {
        return switch (index) {
            case 0 -> "main";
            case 1 -> "backup";
            default -> "lb-" + (index + 1);
        };
    }

    Response get(String path, Duration timeout) throws Unreachable {
        return send("GET", path, null, Map.of(), timeout);
    }

    Response post(String path, String jsonBody, Map<String, String> headers, Duration timeout) throws Unreachable {
        return send("POST", path, jsonBody, headers, timeout);
    }

    /**
     * Sends to the preferred URL, then to the others in order, until one answers with something
     * other than 502/504.
     *
     * @param path     absolute path with query, e.g. {@code /v1/ml-distributed/models}
     * @param timeout  how long to wait for the answer from one URL
     */
    Response send(String method, String path, String jsonBody, Map<String, String> headers, Duration timeout)
            throws Unreachable {
        return sendBody(method, path, jsonBody == null ? null : () -> HttpRequest.BodyPublishers.ofString(jsonBody),
                jsonBody == null ? headers : withJson(headers), timeout);
    }

    /**
     * Sends a body that is built anew for each URL tried (a file streamed from disk, say), with
     * the failover of {@link #send(String, String, String, Map, Duration)}.
     */
    Response sendBody(String method, String path, java.util.function.Supplier<HttpRequest.BodyPublisher> body,
            Map<String, String> headers, Duration timeout) throws Unreachable {
        Map<Integer, String> failures = new LinkedHashMap<>();
        for (int k = 0; k < urls.size(); k++) {
            int i = (preferred + k) % urls.size();
            URI base = urls.get(i);
            try {
                Response r = onceWith(base, method, path, body, headers, timeout);
                if (r.status() == 502 || r.status() == 504) {
                    failures.put(i, "answered " + r.status()
                            + (r.status() == 502 ? " (no api instance reachable behind it)" : " (gateway timeout)"));
                    continue;
                }
                if (!failures.isEmpty()) {
                    note(failures, base);
                }
                preferred = i;
                return r;
            } catch (IOException e) {
                failures.put(i, "unreachable (" + reason(e, timeout) + ")");
            }
        }
        List<String> all = new ArrayList<>();
        failures.forEach((i, why) -> all.add(role(i) + " " + urls.get(i) + " " + why));
        throw new Unreachable("no load balancer answered " + method + " " + path + ": " + String.join("; ", all));
    }

    /** One request to one URL, no failover: what {@code status} uses to probe each load balancer. */
    Response once(URI base, String method, String path, String jsonBody, Map<String, String> headers,
            Duration timeout) throws IOException {
        return onceWith(base, method, path, jsonBody == null ? null : () -> HttpRequest.BodyPublishers.ofString(jsonBody),
                jsonBody == null ? headers : withJson(headers), timeout);
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return all;
    }

    private Response onceWith(URI base, String method, String path,
            java.util.function.Supplier<HttpRequest.BodyPublisher> body, Map<String, String> headers,
            Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(base, path)).timeout(timeout)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "mlctl");
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        headers.forEach(b::header);
        if (body != null) {
            b.method(method, body.get());
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers(), base);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError(Exit.FAILURE, "interrupted");
        } catch (IllegalArgumentException e) {
            throw new IOException("bad URL " + base + ": " + e.getMessage(), e);
        }
    }

    private void note(Map<Integer, String> failures, URI using) {
        List<String> parts = new ArrayList<>();
        failures.forEach((i, why) -> parts.add(role(i) + " load balancer " + urls.get(i) + " " + why));
        notes.accept("mlctl: " + String.join(", ", parts) + ", using " + using);
    }

    static URI resolve(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    /** Why a request to one URL failed, in words; the JDK's exceptions often have no message. */
    static String reason(IOException e, Duration timeout) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out after " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms"
                    : timeout.toSeconds() + " s");
        }
        Throwable c = e instanceof ConnectException ? e : e.getCause();
        if (c instanceof ConnectException) {
            // the JDK's HttpClient leaves the message of a refused connection empty
            return c.getMessage() == null || c.getMessage().isBlank() ? "connection refused"
                    : c.getMessage().toLowerCase(Locale.ROOT);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
