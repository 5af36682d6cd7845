package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.system.ApiProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;

/**
 * nginx and the api agree on the longest wait, and nginx never sends a request twice while the
 * first may still run. Checked two ways, without the shared cluster:
 * <ul>
 *   <li>on the template: every POST route waits at least the api's longest accepted deadline
 *       ({@code ml.api.max-deadline}) plus a margin, and no route that may re-send a POST
 *       ({@code non_idempotent}) does so on {@code timeout};</li>
 *   <li>on a real nginx running the template (with the predict wait cut to 2 s, so the test does
 *       not wait ten minutes) in front of two stand-in api instances: a predict the first instance
 *       holds past the wait is answered 504 and was received once, by one instance; a predict
 *       whose first instance refuses the connection is moved to the other one.</li>
 * </ul>
 */
class LoadBalancerConfigTest {

    private static final Path REPO = Path.of(System.getProperty("e2e.repo", "..")).toAbsolutePath().normalize();
    private static final Duration MARGIN = Duration.ofSeconds(5);
    private static final List<String> POST_ROUTES = List.of("= /v1/ml-distributed/predict",
            "= /v1/ml-distributed/evaluate", "= /v1/ml-distributed/fit", "= /_ml_fit_idempotent",
            "^~ /v1/ml-distributed/datasets/");

    @Test
    void everyPostRouteWaitsForTheLongestDeadlineTheApiAccepts() throws Exception {
        Duration maxDeadline = apiMaxDeadline();
        Map<String, String> locations = locations(template());
        for (String route : POST_ROUTES) {
            String body = locations.get(route);
            assertThat(body).as("location %s", route).isNotNull();
            Matcher m = Pattern.compile("proxy_read_timeout\\s+(\\d+)s;").matcher(body);
            assertThat(m.find()).as("%s sets its own proxy_read_timeout", route).isTrue();
            assertThat(Duration.ofSeconds(Long.parseLong(m.group(1)))).as("%s read timeout", route)
                    .isGreaterThanOrEqualTo(maxDeadline.plus(MARGIN));
        }
    }

    @Test
    void noRouteResendsARequestThatTimedOut() throws IOException {
        String template = template();
        List<String> resending = new ArrayList<>();
        Matcher m = Pattern.compile("proxy_next_upstream\\s+([^;]*);").matcher(template);
        while (m.find()) {
            List<String> conditions = List.of(m.group(1).trim().split("\\s+"));
            if (conditions.contains("non_idempotent")) {
                resending.add(m.group(1));
                assertThat(conditions).as("proxy_next_upstream %s", m.group(1)).doesNotContain("timeout");
            }
        }
        assertThat(resending).as("routes that re-send POSTs").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aPredictStillRunningIsNotSentToTheOtherInstance() throws Exception {
        assumeTrue(Shell.onPath("nginx"), "nginx is not installed");
        AtomicInteger slowSeen = new AtomicInteger();
        AtomicInteger otherSeen = new AtomicInteger();
        HttpServer slow = standIn(slowSeen, Duration.ofSeconds(6));
        HttpServer other = standIn(otherSeen, Duration.ZERO);
        int deadPort = freePort();
        Path prefix = Files.createTempDirectory("e2e-lb-config");
        int lbPort = freePort();
        try {
            // the slow instance first, then the other: nginx's round robin starts with the first
            startNginx(prefix, lbPort, "127.0.0.1:" + slow.getAddress().getPort(),
                    "127.0.0.1:" + other.getAddress().getPort());
            Http.Reply r = Http.post("http://127.0.0.1:" + lbPort + "/v1/ml-distributed/predict", "{}",
                    Duration.ofSeconds(20));
            assertThat(r.status()).as(r.toString()).isEqualTo(504);
            assertThat(slowSeen.get() + otherSeen.get()).as("instances that received the predict").isEqualTo(1);
            stopNginx(prefix);

            // an instance that is down (connection refused) is skipped: the predict reaches the other one
            startNginx(prefix, lbPort, "127.0.0.1:" + deadPort, "127.0.0.1:" + other.getAddress().getPort());
            int before = otherSeen.get();
            Http.Reply moved = Http.post("http://127.0.0.1:" + lbPort + "/v1/ml-distributed/predict", "{}",
                    Duration.ofSeconds(20));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(otherSeen.get()).isEqualTo(before + 1);
        } finally {
            stopNginx(prefix);
            slow.stop(0);
            other.stop(0);
        }
    }

    /** The api's own default for its longest accepted deadline, read from its properties record. */
    private static Duration apiMaxDeadline() throws NoSuchMethodException {
        RecordComponent[] components = ApiProperties.class.getRecordComponents();
        // @DefaultValue sits on the canonical constructor's parameters, in the components' order
        Parameter[] params = ApiProperties.class.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)).getParameters();
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals("maxDeadline")) {
                DefaultValue d = params[i].getAnnotation(DefaultValue.class);
                assertThat(d).as("ApiProperties.maxDeadline has a default").isNotNull();
                return DurationStyle.detectAndParse(d.value()[0]);
            }
        }
        throw new AssertionError("ApiProperties has no maxDeadline");
    }

    private static String template() throws IOException {
        return Files.readString(REPO.resolve("nginx/ml-lb.conf.template"));
    }

    /** {@code "= /path"} -> the body of that location block, nested blocks included. */
    private static Map<String, String> locations(String template) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("location\\s+([^{]+?)\\s*\\{").matcher(template);
        while (m.find()) {
            int depth = 1;
            int i = m.end();
            for (; i < template.length() && depth > 0; i++) {
                char c = template.charAt(i);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
            out.put(m.group(1).trim(), template.substring(m.end(), i - 1));
        }
        return out;
    }

    private static HttpServer standIn(AtomicInteger seen, Duration hold) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", exchange -> {
            seen.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(hold.toMillis()); // a predict the api is still working on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        s.start();
        return s;
    }

    private static void startNginx(Path prefix, int port, String api1, String api2) throws IOException {
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        String lb = template()
                .replace("${LB_NAME}", "lb-test")
                .replace("${LB_LISTEN}", "127.0.0.1:" + port)
                .replace("${LB_ACCESS_LOG}", prefix.resolve("logs/access.log").toString())
                .replace("${API_1_UPSTREAM}", api1)
                .replace("${API_2_UPSTREAM}", api2);
        String predict = "location = /v1/ml-distributed/predict {\n        proxy_read_timeout 610s;";
        assertThat(lb).contains(predict);
        lb = lb.replace(predict, "location = /v1/ml-distributed/predict {\n        proxy_read_timeout 2s;");
        Files.writeString(prefix.resolve("ml-lb.conf"), lb);
        boolean root = "root".equals(System.getProperty("user.name"));
        String main = Files.readString(REPO.resolve("nginx/nginx.conf.template"))
                .replace("${LB_PREFIX}", prefix.toString())
                .replace("${LB_USER_DIRECTIVE}", root ? "user root;" : "");
        Files.writeString(prefix.resolve("nginx.conf"), main);
        Shell.run(Duration.ofSeconds(20), Map.of(), prefix, List.of("nginx", "-p", prefix + "/", "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("logs/error.log").toString())).orThrow();
    }

    private static void stopNginx(Path prefix) {
        if (Files.exists(prefix.resolve("nginx.pid"))) {
            Shell.run(Duration.ofSeconds(20), Map.of(), prefix, List.of("nginx", "-p", prefix + "/", "-c",
                    prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("logs/error.log").toString(), "-s",
                    "stop"));
            await("nginx stops").atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(prefix.resolve("nginx.pid")));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
