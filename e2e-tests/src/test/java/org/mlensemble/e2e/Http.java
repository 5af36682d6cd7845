package org.mlensemble.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A small HTTP client for the suite. Every call has a timeout: a request that outlives it counts
 * as hung, which is exactly what the fault scenarios must never see. Loopback only.
 */
final class Http {

    /**
     * One exchange.
     *
     * @param status  HTTP status, or -1 when no answer came (connection refused, reset, timeout)
     * @param error   what went wrong when there is no status
     * @param timedOut the answer did not come within the timeout
     */
    record Reply(int status, String body, JsonNode json, long latencyMs, String error, boolean timedOut,
            Map<String, List<String>> headers) {

        boolean ok() {
            return status == 200;
        }

        /** {@code members.missing} of an answer, empty when absent. */
        List<String> missing() {
            return json == null || json.get("members") == null ? List.of() : Json.strings(json.get("members").get("missing"));
        }

        int used() {
            return json == null || json.get("members") == null ? -1 : json.get("members").get("used").asInt();
        }

        int expected() {
            return json == null || json.get("members") == null ? -1 : json.get("members").get("expected").asInt();
        }

        /** 200 with members missing. */
        boolean degraded() {
            return ok() && !missing().isEmpty();
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> String.join(",", e.getValue())).orElse(null);
        }

        String detail() {
            return json != null && json.get("detail") != null ? json.get("detail").asString() : body;
        }

        @Override
        public String toString() {
            return status < 0 ? "no answer after " + latencyMs + " ms: " + error
                    : status + " after " + latencyMs + " ms: " + abbreviate(body);
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private Http() {
    }

    static Reply post(String url, String json, Duration timeout) {
        return post(url, json, timeout, Map.of());
    }

    static Reply post(String url, String json, Duration timeout, Map<String, String> headers) {
        HttpRequest.Builder b = request(url, timeout).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        return send(b.build());
    }

    /** A CSV body ({@code text/csv}), e.g. a dataset upload. */
    static Reply postCsv(String url, String csv, Duration timeout) {
        return send(request(url, timeout).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)).build());
    }

    /** Any method, with headers; {@code json} may be null. */
    static Reply call(String method, String url, String json, Duration timeout, Map<String, String> headers) {
        HttpRequest.Builder b = request(url, timeout).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    static Reply get(String url, Duration timeout) {
        return send(request(url, timeout).GET().build());
    }

    static Reply get(String url) {
        return get(url, Duration.ofSeconds(5));
    }

    private static HttpRequest.Builder request(String url, Duration timeout) {
        URI uri = URI.create(url);
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("the suite only talks to 127.0.0.1: " + url);
        }
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    private static Reply send(HttpRequest request) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new Reply(r.statusCode(), r.body(), parse(r.body()), ms, null, false, r.headers().map());
        } catch (HttpTimeoutException e) {
            return new Reply(-1, null, null, (System.nanoTime() - t0) / 1_000_000, "timeout: " + e.getMessage(), true,
                    Map.of());
        } catch (IOException e) {
            return new Reply(-1, null, null, (System.nanoTime() - t0) / 1_000_000,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), false, Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null, null, (System.nanoTime() - t0) / 1_000_000, "interrupted", false, Map.of());
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.parse(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
