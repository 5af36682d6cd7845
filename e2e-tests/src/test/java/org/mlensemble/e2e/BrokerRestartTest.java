package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5: the broker's application is stopped and started again ({@code rabbitmqctl stop_app},
 * {@code start_app}) under a light predict load. It runs last: it is the only scenario that touches
 * the whole broker (on CI no other test runs meanwhile).
 * <p>
 * During the outage every request must fail fast with a 503 that names the broker. Afterwards
 * nothing is restarted by hand: the api instances (whose direct reply-to channels reopen on the
 * next publish) and the learners (whose listeners recover) come back by themselves, every learner
 * is back in presence, and the model trained before the outage answers with all four members on
 * both api instances. Recovery time: from {@code start_app} returning to that full answer.
 */
@Order(8)
class BrokerRestartTest extends ClusterTest {

    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(2);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);

    @Test
    @Order(1)
    void requestsFailFastDuringABrokerOutageAndEverythingReconnectsByItself() {
        String model = cluster.baselineModel();
        Rows rows = Rows.testRows(cluster.repo, 20);
        LoadGenerator load = LoadGenerator.start("broker", 2, 50_000, Duration.ofSeconds(90), seq -> {
            int row = (int) (seq % rows.size());
            return new LoadGenerator.Call(row, () -> Api.predict(cluster.lbMain(), model, rows.one(row), PREDICT_DEADLINE));
        });
        long outageMs;
        long startAppMs;
        long recoveryMs;
        long stoppedAtLoadMs;
        long startedAtLoadMs;
        Map<String, Integer> connectionsBefore = cluster.broker.connections();
        E2eCluster.log("connections at rest: %s", connectionsBefore);
        if (!connectionsBefore.isEmpty()) {
            // what rabbitmq/README.md says the Connections tab shows at rest: two per learner, two per api
            Map<String, Integer> services = new java.util.TreeMap<>();
            connectionsBefore.forEach((userAndName, n) -> {
                String name = userAndName.substring(userAndName.indexOf('/') + 1);
                if (name.startsWith("learner-") || name.startsWith("api-")) {
                    services.merge(name, n, Integer::sum);
                }
            });
            Map<String, Integer> expected = new java.util.TreeMap<>();
            E2eCluster.LEARNERS.forEach(l -> {
                expected.put(l, 1);
                expected.put(l + ".publisher", 1); // Spring names the publisher connection after the learner
            });
            E2eCluster.APIS.forEach(a -> {
                expected.put(a + " presence", 1);
                expected.put(a + " scatter-gather", 1);
            });
            org.assertj.core.api.Assertions.assertThat(services).as("connections at rest").isEqualTo(expected);
        }
        try {
            await("the load runs").atMost(Duration.ofSeconds(10)).until(() -> load.completed() >= 20);
            long t0 = System.nanoTime();
            stoppedAtLoadMs = load.elapsedMs();
            cluster.broker.stopApp().orThrow();
            // the outage lasts until both api instances have noticed it (readiness down)
            await("both api instances report the broker down").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> E2eCluster.APIS.stream().allMatch(a ->
                            Http.get(cluster.apiManagement(a) + "/actuator/health/readiness").status() == 503));
            await("a request failed fast during the outage").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> load.samples().stream().anyMatch(s -> s.reply().status() == 503
                            && s.reply().detail().contains("broker is unreachable")));
            long t1 = System.nanoTime();
            cluster.broker.startApp().orThrow();
            long t2 = System.nanoTime();
            startedAtLoadMs = load.elapsedMs();
            outageMs = (t2 - t0) / 1_000_000;
            startAppMs = (t2 - t1) / 1_000_000;
            await("learners back in presence and the old model served by all four members on both api instances")
                    .atMost(RECOVERY_BOUND.plusSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> E2eCluster.APIS.stream().allMatch(a -> fullAnswer(cluster.api(a), model, rows)));
            recoveryMs = (System.nanoTime() - t2) / 1_000_000;
            long recovered = load.elapsedMs();
            await("the load runs 3 s past the recovery").atMost(Duration.ofSeconds(10))
                    .until(() -> load.elapsedMs() > recovered + 3_000);
        } finally {
            load.stop();
            cluster.broker.startApp(); // never leave the broker down
        }
        List<LoadGenerator.Sample> samples = load.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
        // every client reconnected once: no connection leaked by a reconnect (management API statistics lag)
        Map<String, Integer> connectionsAfter = await("the broker lists the same connections as before")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> cluster.broker.connections(), c -> c.equals(connectionsBefore));

        long brokerMessages = 0;
        long quorumMessages = 0;
        long otherFailures = 0;
        long maxFailureLatency = 0;
        for (LoadGenerator.Sample s : samples) {
            Http.Reply r = s.reply();
            if (r.ok()) {
                continue;
            }
            maxFailureLatency = Math.max(maxFailureLatency, r.latencyMs());
            if (r.status() == 503 && r.header("Content-Type") != null
                    && r.header("Content-Type").startsWith("application/problem+json")) {
                if (r.detail().contains("broker is unreachable")) {
                    brokerMessages++;
                } else {
                    quorumMessages++; // in flight when the channel closed, or before the learners reconnected
                }
            } else {
                otherFailures++;
                E2eCluster.log("unexpected failure during the broker restart: %s", r);
            }
        }
        long[] failureLatencies = samples.stream().filter(s -> !s.reply().ok()).mapToLong(s -> s.reply().latencyMs())
                .sorted().toArray();
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(samples);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stoppedAtLoadMs", stoppedAtLoadMs);
        details.put("startedAtLoadMs", startedAtLoadMs);
        details.put("outageMs", outageMs);
        details.put("startAppMs", startAppMs);
        details.put("recoveryFromStartAppCallMs", startAppMs + recoveryMs);
        details.put("503BrokerUnreachable", brokerMessages);
        details.put("503QuorumNotMet", quorumMessages);
        details.put("otherFailures", otherFailures);
        details.put("failureLatencyP50Ms", failureLatencies.length == 0 ? 0 : failureLatencies[failureLatencies.length / 2]);
        details.put("failureLatencyMaxMs", maxFailureLatency);
        details.put("connectionsAfter", connectionsAfter);
        Figures.of("5-broker-restart", getClass(), stats, recoveryMs, details).report(cluster.reliabilityDir());

        assertThat(stats.hung()).as("requests past their deadline + 1 s").isZero();
        assertThat(stats.maxLatencyMs()).isLessThanOrEqualTo(PREDICT_DEADLINE.plus(Api.SLACK).toMillis());
        assertThat(otherFailures).as("failures other than a 503 problem: %s", stats.byStatus()).isZero();
        assertThat(brokerMessages).isPositive();
        assertThat(recoveryMs).as("recovery after start_app").isLessThanOrEqualTo(RECOVERY_BOUND.toMillis());
        cluster.awaitAllLive(Duration.ofSeconds(5));
        assertThat(cluster.statusOk()).as("bin/mlcluster status: all 8 parts healthy").isTrue();
    }

    private static boolean fullAnswer(String api, String model, Rows rows) {
        if (!Api.liveLearners(api).containsAll(E2eCluster.LEARNERS)) {
            return false;
        }
        Http.Reply r = Api.predict(api, model, rows.one(0), PREDICT_DEADLINE);
        return r.ok() && r.used() == 4;
    }
}
