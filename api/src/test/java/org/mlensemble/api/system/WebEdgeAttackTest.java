package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlensemble.api.ApiApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The web edge attacked the way a client would: the real Tomcat, raw request lines over a socket
 * (no HTTP client normalises the path first), a key configured, and every spelling that once
 * reached a controller without it. The api has no learners here; authentication answers before
 * any controller runs.
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api", "ml.api.api-key=s3cret", "ml.prefix=ml-sec-test"})
class WebEdgeAttackTest {

    private static final String KEY = "s3cret";
    private static final String PREDICT_BODY = "{\"LotArea\": [8000]}";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    record Raw(int status, Map<String, List<String>> headers, String body) {

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join("\n", v);
        }
    }

    /** One request written byte for byte as given; {@code headers} are "Name: value" lines. */
    private Raw send(String method, String target, String body, String... headers) throws IOException {
        return send(port, method, target, body, headers);
    }

    private Raw send(int toPort, String method, String target, String body, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        for (String h : headers) {
            req.append(h).append("\r\n");
        }
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        }
        req.append("\r\n");
        try (Socket s = new Socket("127.0.0.1", toPort)) {
            s.setSoTimeout(60_000); // the first /v3/api-docs builds the document (seconds on a busy machine)
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return parse(s.getInputStream());
        }
    }

    private static Raw parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        return new Raw(status, headers, text.substring(end + 4));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "POST, /v1;x/ml-distributed/fit",
        "POST, /v1;x/ml-distributed/predict",
        "POST, /v1/ml-distributed;/predict",
        "GET, /%761/ml-distributed/learners",
        "GET, /v1/ml-distributed/%6cearners",
        "GET, /v3;/api-docs",
        "GET, /v3/api-docs",
        "GET, /%73wagger-ui/index.html",
        "GET, /swagger-ui/index.html",
        "GET, /%64ashboard/index.html",
        "GET, /dashboard/../v1/ml-distributed/learners",
        "GET, /dashboard/./../v1/ml-distributed/models",
        "GET, /actuator/health/liveness/../../prometheus",
        "GET, /actuator/health;/../prometheus",
        "GET, /actuator/health/liveness;x",
        "GET, //v1/ml-distributed/learners",
        "GET, /v1//ml-distributed/learners",
        "GET, /v1\\ml-distributed\\learners",
        "GET, /v1/ml-distributed/learners",
        "GET, /v1/ml-distributed/learners/",
        "GET, /V1/ml-distributed/learners",
        "GET, /actuator/prometheus",
        "GET, /actuator",
        "GET, /actuator/env",
        "GET, /error",
        "GET, /v1/ml-distributed/ping",
    })
    void everySpellingWithoutTheKeyIsRefused(String method, String path) throws IOException {
        Raw r = send(method, path, method.equals("POST") ? PREDICT_BODY : null);
        assertThat(r.status()).as(r.body()).isIn(400, 401);
        assertThat(r.body()).doesNotContain("ml_api_", "openapi", "swagger-ui-bundle", "learnerId", "<table");
    }

    @ParameterizedTest
    @CsvSource({"/v1;x/ml-distributed/predict", "/%761/ml-distributed/learners", "/v1/x/../ml-distributed/learners"})
    void aBadlySpelledPathIsA400ProblemEvenWithTheKey(String path) throws IOException {
        Raw r = send("GET", path, null, "X-API-Key: " + KEY);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("\"status\":400");
    }

    @Test
    void theProbesAnswerWithoutTheKey() throws IOException {
        // the public port answers liveness and readiness at /livez and /readyz (the load balancers'
        // /actuator/health reads /readyz); readiness is 503 until presence is heard: not 401 is what matters
        assertThat(send("GET", "/livez", null).status()).isEqualTo(200);
        assertThat(send("GET", "/readyz", null).status()).isIn(200, 503);
        assertThat(send(managementPort, "GET", "/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(send(managementPort, "GET", "/actuator/health/readiness", null).status()).isIn(200, 503);
        assertThat(send(managementPort, "GET", "/actuator/health", null).status()).isIn(200, 503);
    }

    @Test
    void actuatorAnswersOnlyOnTheManagementPort() throws IOException {
        assertThat(managementPort).isNotEqualTo(port);
        Raw metrics = send(managementPort, "GET", "/actuator/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_", "ml_api_");
        // with the key, the public port still has no actuator: 404, and no metric in the body
        Raw publicMetrics = send("GET", "/actuator/prometheus", null, "X-API-Key: " + KEY);
        assertThat(publicMetrics.status()).isEqualTo(404);
        assertThat(publicMetrics.body()).doesNotContain("jvm_", "ml_api_");
    }

    @Test
    void theKeyWorksInTheHeaderAndAsABearerToken() throws IOException {
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "X-API-Key: " + KEY).status()).isEqualTo(200);
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "Authorization: Bearer " + KEY).status())
                .isEqualTo(200);
        assertThat(send("GET", "/v3/api-docs", null, "X-API-Key: " + KEY).status()).isEqualTo(200);
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "Authorization: Bearer nope").status())
                .isEqualTo(401);
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "X-API-Key: S3CRET").status()).isEqualTo(401);
    }

    @Test
    void theKeyInTheQueryStringOpensNothing() throws IOException {
        assertThat(send("GET", "/v1/ml-distributed/learners?apiKey=" + KEY, null).status()).isEqualTo(401);
        assertThat(send("GET", "/swagger-ui/index.html?apiKey=" + KEY, null).status()).isEqualTo(401);
        Raw page = send("GET", "/dashboard?apiKey=" + KEY, null);
        assertThat(page.header("Set-Cookie")).isNull();
        // the old cookie held the key itself; it is no session
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "Cookie: ml_api_key=" + KEY).status())
                .isEqualTo(401);
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "Cookie: ml_session=" + KEY).status())
                .isEqualTo(401);
    }

    @Test
    void theDashboardPageAsksForTheKeyWithoutShowingData() throws IOException {
        Raw page = send("GET", "/dashboard", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"sign-in\"");
        Raw state = send("GET", "/dashboard/session", null);
        assertThat(state.body()).contains("\"keyRequired\":true").contains("\"signedIn\":false");
    }

    private String signIn() throws IOException {
        Raw r = send("POST", "/dashboard/session", "{\"apiKey\": \"" + KEY + "\"}");
        assertThat(r.status()).isEqualTo(204);
        String cookie = r.header("Set-Cookie");
        assertThat(cookie).startsWith("ml_session=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain(KEY);
        return cookie.substring(0, cookie.indexOf(';'));
    }

    @Test
    void aWrongKeyDoesNotSignIn() throws IOException {
        Raw r = send("POST", "/dashboard/session", "{\"apiKey\": \"guess\"}");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("Set-Cookie")).isNull();
    }

    @Test
    void theSessionCookieReadsButCannotPostWithoutTheDashboardsHeader() throws IOException {
        String cookie = signIn();
        assertThat(send("GET", "/v1/ml-distributed/learners", null, "Cookie: " + cookie).status()).isEqualTo(200);
        assertThat(send("GET", "/dashboard/session", null, "Cookie: " + cookie).body()).contains("\"signedIn\":true");

        Raw forged = send("POST", "/v1/ml-distributed/predict", PREDICT_BODY, "Cookie: " + cookie);
        assertThat(forged.status()).isEqualTo(403);
        Raw forgedFit = send("POST", "/v1/ml-distributed/fit", "{}", "Cookie: " + cookie,
                "X-Requested-With: XMLHttpRequest");
        assertThat(forgedFit.status()).isEqualTo(403);

        // with the header the request reaches the controller (no model here, hence no 200)
        Raw fromDashboard = send("POST", "/v1/ml-distributed/predict", PREDICT_BODY, "Cookie: " + cookie,
                "X-Requested-With: ml-dashboard");
        assertThat(fromDashboard.status()).isNotIn(401, 403);
    }

    @Test
    void signingOutClearsTheCookie() throws IOException {
        signIn();
        Raw out = send("DELETE", "/dashboard/session", null);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).startsWith("ml_session=;").contains("Max-Age=0");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws IOException {
        for (Raw r : List.of(send("GET", "/dashboard/index.html", null), send("GET", "/v1/ml-distributed/learners", null),
                send("GET", "/v1;x/ml-distributed/learners", null),
                send("GET", "/swagger-ui/index.html", null, "X-API-Key: " + KEY))) {
            assertThat(r.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }
}
