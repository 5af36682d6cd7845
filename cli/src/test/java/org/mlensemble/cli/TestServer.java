package org.mlensemble.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server on 127.0.0.1 and an ephemeral port (the JDK's own, no mock library) that
 * records what it receives and answers from a table of handlers by path.
 */
final class TestServer implements AutoCloseable {

    record Request(String method, String path, String query, Headers headers, String body, byte[] raw) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    record Reply(int status, String contentType, String body, Map<String, String> headers) {
    }

    @FunctionalInterface
    interface Handler {
        Reply handle(Request r) throws Exception;
    }

    static Reply json(int status, String body) {
        return new Reply(status, "application/json", body, Map.of());
    }

    static Reply problem(int status, String title, String detail) {
        return new Reply(status, "application/problem+json", Json.write(Map.of("title", title, "status", status,
                "detail", detail, "instance", "/x")), Map.of());
    }

    /** What nginx answers when no api instance is reachable behind it. */
    static Reply badGateway() {
        return json(502, "{\"error\":\"bad_gateway\",\"message\":\"no api instance could be reached\"}");
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private volatile Handler fallback = r -> problem(404, "Not found", "No such endpoint: " + r.path());
    private final HttpServer server;

    private TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::serve);
        server.start();
    }

    static TestServer start() throws IOException {
        return new TestServer();
    }

    TestServer on(String path, Handler h) {
        routes.put(path, h);
        return this;
    }

    TestServer otherwise(Handler h) {
        fallback = h;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** A URL where nothing listens: a port the OS just handed out and that was closed again. */
    static String deadUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body, raw);
            requests.add(req);
            Reply reply;
            try {
                reply = routes.getOrDefault(req.path(), fallback).handle(req);
            } catch (Exception e) {
                reply = problem(500, "Test handler failed", String.valueOf(e));
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
