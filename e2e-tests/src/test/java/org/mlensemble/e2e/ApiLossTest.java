package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 3: api-1 is SIGKILLed in the middle of a 30 s predict load through the main load
 * balancer, while a fit with an Idempotency-Key is in flight on it. nginx must move the predicts to
 * api-2 (it re-sends predict, which is read-only); the client that lost its fit retries it with the
 * same key and must get the same model, trained once by each learner.
 */
@Order(5)
class ApiLossTest extends ClusterTest {

    private static final String VICTIM = "api-1";
    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(2);
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(90);
    private static final Duration LOAD = Duration.ofSeconds(30);

    private long killedAtNanos;

    @Test
    @Order(1)
    void predictsSurviveTheLossOfAnApiInstance() throws Exception {
        String model = cluster.baselineModel();
        Rows rows = Rows.testRows(cluster.repo, 40);
        Http.Reply batch = Api.predict(cluster.lbMain(), model, rows.all(), PREDICT_DEADLINE);
        assertThat(batch.used()).isEqualTo(4);
        List<String> modelsBefore = Api.settledModelIds(cluster.lbMain());
        String key = "e2e-api-loss-" + UUID.randomUUID();

        LoadGenerator load = LoadGenerator.start("predict", 8, 100_000, LOAD, seq -> {
            int row = (int) (seq % rows.size());
            return new LoadGenerator.Call(row, () -> Api.predict(cluster.lbMain(), model, rows.one(row), PREDICT_DEADLINE));
        });
        Http.Reply lost;
        Http.Reply retried;
        String training;
        long killAtLoadMs;
        await("a third of the load").atMost(LOAD).until(() -> load.elapsedMs() >= LOAD.toMillis() / 3);
        // a fit in flight on the instance about to die
        CompletableFuture<Http.Reply> fit = CompletableFuture.supplyAsync(() -> Api.fit(cluster.api(VICTIM),
                "{\"algorithm\":\"boosted\",\"params\":{\"trees\":2000,\"maxDepth\":6},\"seed\":41,\"deadlineMs\":"
                        + FIT_DEADLINE.toMillis() + "}",
                FIT_DEADLINE, key));
        training = await("the keyed fit is training").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> newTraining(modelsBefore), id -> id != null);
        killedAtNanos = System.nanoTime();
        killAtLoadMs = load.elapsedMs();
        cluster.kill(VICTIM);
        lost = fit.get(10, TimeUnit.SECONDS);
        // the client saw its fit fail with the instance; it retries with the same key, through the LB
        retried = Api.fit(cluster.lbMain(), "{\"algorithm\":\"boosted\",\"params\":{\"trees\":2000,\"maxDepth\":6},\"seed\":41,"
                + "\"deadlineMs\":" + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE, key);
        List<LoadGenerator.Sample> samples = load.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
        List<String> modelsAfter = Api.modelIds(cluster.lbMain());

        List<String> mismatches = new ArrayList<>();
        for (LoadGenerator.Sample s : samples) {
            Http.Reply r = s.reply();
            if (r.ok()) {
                double want = batch.json().get("Predictions").get((int) s.tag()).asDouble();
                if (r.used() != 4 || Math.abs(r.json().get("Prediction").asDouble() - want) > 1e-9 * Math.abs(want)) {
                    mismatches.add(r.toString());
                }
            }
        }
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(samples);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("killedAtLoadMs", killAtLoadMs);
        details.put("successRatio", stats.successRatio());
        details.put("mismatches", mismatches.size());
        details.put("fitOnKilledInstance", lost.status() < 0 ? lost.error() : Integer.toString(lost.status()));
        details.put("fitRetryStatus", retried.status());
        details.put("fitRetryUsed", retried.used());
        details.put("modelsBefore", modelsBefore.size());
        details.put("modelsAfter", modelsAfter.size());
        Figures.of("3-api-loss-under-load", getClass(), stats, null, details).report(cluster.reliabilityDir());

        assertThat(stats.successRatio()).as("share of predicts answered 200: %s", stats.byStatus())
                .isGreaterThanOrEqualTo(0.999);
        assertThat(stats.hung()).isZero();
        assertThat(stats.maxLatencyMs()).isLessThanOrEqualTo(PREDICT_DEADLINE.plus(Api.SLACK).toMillis());
        assertThat(mismatches).isEmpty();

        // one model for the key: the retry names the model the lost request started, trained once
        assertThat(lost.status()).as("the fit on the killed instance got no answer: %s", lost).isEqualTo(-1);
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertThat(retried.json().get("modelId").asString()).isEqualTo(training);
        assertThat(retried.used()).isEqualTo(4);
        assertThat(modelsAfter).hasSize(modelsBefore.size() + 1).contains(training);
        for (String learner : E2eCluster.LEARNERS) {
            assertThat(count(Files.readString(cluster.log(learner)), "trained " + training + " on shard"))
                    .as("times %s trained %s", learner, training).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void theRestartedInstanceRejoinsTheRotation() throws IOException {
        assumeTrue(killedAtNanos != 0, "the instance was killed");
        long t0 = System.nanoTime();
        cluster.start(VICTIM);
        long healthyMs = (System.nanoTime() - t0) / 1_000_000;
        String upstream = "127.0.0.1:" + (E2eCluster.API_PORT_BASE + E2eCluster.index(VICTIM));
        String row = Rows.testRows(cluster.repo, 1).one(0);
        await("nginx sends traffic to " + VICTIM + " again").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    Http.Reply r = Api.predict(cluster.lbMain(), cluster.baselineModel(), row, PREDICT_DEADLINE);
                    return r.ok() && upstream.equals(r.header("X-ML-Upstream"));
                });
        long rejoinedMs = (System.nanoTime() - t0) / 1_000_000;
        long sinceKillMs = (System.nanoTime() - killedAtNanos) / 1_000_000;
        E2eCluster.log("%s healthy after %d ms, in rotation after %d ms (%d ms after the kill)", VICTIM, healthyMs,
                rejoinedMs, sinceKillMs);
        Figures.of("3b-api-returns", getClass(), LoadGenerator.Stats.of(List.of()), rejoinedMs, Map.of(
                "startToHealthyMs", healthyMs, "startToInRotationMs", rejoinedMs, "killToInRotationMs", sinceKillMs))
                .report(cluster.reliabilityDir());
    }

    private String newTraining(List<String> known) {
        for (JsonNode l : Api.learners(cluster.api("api-2"))) {
            Optional<String> id = Api.newTraining(l, known);
            if (id.isPresent()) {
                return id.get();
            }
        }
        return null;
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
