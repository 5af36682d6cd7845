package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String LEARNERS = "/v1/ml-distributed/learners";

    private TestServer badGateway;
    private TestServer healthy;
    private String dead;
    private final List<String> notes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dead = TestServer.deadUrl();
        badGateway = TestServer.start().otherwise(r -> TestServer.badGateway());
        healthy = TestServer.start().on(LEARNERS, r -> TestServer.json(200, "[{\"learnerId\":\"learner-1\"}]"));
    }

    @AfterEach
    void stop() {
        badGateway.close();
        healthy.close();
    }

    private ApiClient client(String apiKey, String... urls) {
        return new ApiClient(List.of(urls).stream().map(URI::create).toList(), apiKey, notes::add);
    }

    @Test
    void skipsTheDeadUrlAndThe502OneAndGetsTheAnswer() throws Exception {
        ApiClient c = client(null, dead, badGateway.url(), healthy.url());

        ApiClient.Response r = c.get(LEARNERS, TIMEOUT);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("learner-1");
        assertThat(r.base()).hasToString(healthy.url());
        assertThat(badGateway.requests(LEARNERS)).hasSize(1);
        assertThat(notes).singleElement().asString()
                .contains("main load balancer " + dead + " unreachable (connection refused)")
                .contains("backup load balancer " + badGateway.url() + " answered 502")
                .endsWith("using " + healthy.url());
    }

    @Test
    void staysWithTheUrlThatAnsweredForTheNextRequests() throws Exception {
        ApiClient c = client(null, badGateway.url(), healthy.url());
        c.get(LEARNERS, TIMEOUT);
        c.get(LEARNERS, TIMEOUT);
        c.get(LEARNERS, TIMEOUT);

        assertThat(badGateway.requests).hasSize(1);
        assertThat(healthy.requests).hasSize(3);
        assertThat(notes).hasSize(1);
    }

    @Test
    void theMainUrlIsUsedAloneWhenItAnswers() throws Exception {
        ApiClient c = client(null, healthy.url(), badGateway.url());

        assertThat(c.get(LEARNERS, TIMEOUT).status()).isEqualTo(200);
        assertThat(badGateway.requests).isEmpty();
        assertThat(notes).isEmpty();
    }

    @Test
    void a503IsTheServicesOwnAnswerAndIsNotFailedOver() throws Exception {
        try (TestServer unavailable = TestServer.start()
                .otherwise(r -> TestServer.problem(503, "Ensemble unavailable", "quorum not met"))) {
            ApiClient c = client(null, unavailable.url(), healthy.url());

            assertThat(c.get(LEARNERS, TIMEOUT).status()).isEqualTo(503);
            assertThat(healthy.requests).isEmpty();
        }
    }

    @Test
    void a504AndATimeoutFailOverToo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer gatewayTimeout = TestServer.start().otherwise(r -> TestServer.json(504, "{}"));
                TestServer hanging = TestServer.start().otherwise(r -> {
                    release.await(30, TimeUnit.SECONDS);
                    return TestServer.json(200, "[]");
                })) {
            ApiClient c = client(null, gatewayTimeout.url(), hanging.url(), healthy.url());

            ApiClient.Response r = c.get(LEARNERS, Duration.ofMillis(300));

            assertThat(r.base()).hasToString(healthy.url());
            assertThat(notes).singleElement().asString().contains("answered 504")
                    .contains(hanging.url() + " unreachable (no answer within 300 ms)");
            release.countDown();
        }
    }

    @Test
    void everyUrlFailingIsUnreachableWithEachReason() throws Exception {
        ApiClient c = client(null, dead, badGateway.url());

        assertThatThrownBy(() -> c.get(LEARNERS, TIMEOUT)).isInstanceOf(ApiClient.Unreachable.class)
                .hasMessageContaining("no load balancer answered GET " + LEARNERS)
                .hasMessageContaining(dead + " unreachable (connection refused)")
                .hasMessageContaining(badGateway.url() + " answered 502");
    }

    @Test
    void sendsTheApiKeyHeaderWhenConfigured() throws Exception {
        client("s3cret", healthy.url()).get(LEARNERS, TIMEOUT);
        client(null, healthy.url()).get(LEARNERS, TIMEOUT);

        assertThat(healthy.requests.get(0).header("X-API-Key")).isEqualTo("s3cret");
        assertThat(healthy.requests.get(1).header("X-API-Key")).isNull();
    }

    @Test
    void theApiKeyGoesToEveryUrlTriedAndWithPosts() throws Exception {
        ApiClient c = client("k1", badGateway.url(), healthy.url());
        healthy.on("/v1/ml-distributed/evaluate", r -> TestServer.json(200, "{}"));

        c.post("/v1/ml-distributed/evaluate", "{}", Map.of(), TIMEOUT);

        assertThat(badGateway.requests.get(0).header("X-API-Key")).isEqualTo("k1");
        assertThat(healthy.requests.get(0).header("X-API-Key")).isEqualTo("k1");
        assertThat(healthy.requests.get(0).header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void rolesNameTheLoadBalancersInFailoverOrder() {
        assertThat(ApiClient.role(0)).isEqualTo("main");
        assertThat(ApiClient.role(1)).isEqualTo("backup");
        assertThat(ApiClient.role(2)).isEqualTo("lb-3");
    }
}
