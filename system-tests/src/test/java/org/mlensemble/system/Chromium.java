package org.mlensemble.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Headless Chromium driven over the DevTools protocol, as a person uses a page: it loads the page,
 * clicks what a person would click, types into fields, and waits for what appears. Only the few
 * protocol methods these tests need (navigate, evaluate, screenshot).
 */
final class Chromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    static Chromium start(Path binary, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String browserWs = null;
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (browserWs == null && System.nanoTime() < until) {
            String line = err.readLine();
            if (line == null) {
                break;
            }
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
            }
        }
        if (browserWs == null) {
            p.destroyForcibly();
            throw new IOException("chromium did not open its DevTools port");
        }
        // keep draining stderr so chromium never blocks on a full pipe
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // discarded
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        URI ws = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getHost() + ":"
                + ws.getPort() + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
        String pageWs = null;
        for (JsonNode target : Http.JSON.readTree(list.body())) {
            if ("page".equals(target.path("type").asString())) {
                pageWs = target.path("webSocketDebuggerUrl").asString();
                break;
            }
        }
        if (pageWs == null) {
            p.destroyForcibly();
            throw new IOException("chromium has no page to drive: " + list.body());
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    JsonNode message = Http.JSON.readTree(text.toString());
                    text.setLength(0);
                    CompletableFuture<JsonNode> call = self[0] == null ? null
                            : self[0].calls.remove(message.path("id").asInt(-1));
                    if (call != null) {
                        call.complete(message);
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new Chromium(p, profile, socket);
        self[0].call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
        return self[0];
    }

    /** One protocol call; its result, or an exception carrying the protocol's error. */
    JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = Http.JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", Http.JSON.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        socket.sendText(msg.toString(), true).join();
        JsonNode reply = answer.orTimeout(60, TimeUnit.SECONDS).join();
        if (reply.has("error")) {
            throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return reply.path("result");
    }

    void open(String url) {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression in the page (awaited when it is a promise). */
    JsonNode eval(String expression) {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Waits until the expression is true in the page. */
    void await(String what, String expression, Duration atMost) {
        org.awaitility.Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> eval("!!(" + expression + ")").asBoolean());
    }

    /** A person's click on the first element the selector finds. */
    void click(String selector) {
        eval("(() => { const e = document.querySelector(" + Http.JSON.valueToTree(selector)
                + "); if (!e) throw new Error('nothing matches'); e.scrollIntoView(); e.click(); })()");
    }

    /** Types into a field as a person pasting: the value changes and an input event fires. */
    void paste(String selector, String text) {
        eval("(() => { const e = document.querySelector(" + Http.JSON.valueToTree(selector) + "); e.focus(); e.value = "
                + Http.JSON.valueToTree(text) + "; e.dispatchEvent(new Event('input', {bubbles: true})); })()");
    }

    String html() {
        return eval("document.documentElement.outerHTML").asString();
    }

    /** A PNG of the whole page as it is now. */
    void screenshot(Path file) throws IOException {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asString()));
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind
        }
    }
}
