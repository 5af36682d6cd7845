package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Joint training ({@code "training": "joint"}): the four learners train one XGBoost model over
 * their four shards as the workers of XGBoost's collective, each in a child process; every learner
 * holds the model, and predict and evaluate treat it as one model held by four. Then a learner is
 * killed in the middle of a joint training: the fit must answer well within its deadline, either
 * with a model of the live learners' shards or with a 503 that says why, and no other learner
 * dies with the killed one.
 */
@Order(10)
class JointFitTest extends ClusterTest {

    private static final String VICTIM = "learner-3";
    private static final String VICTIM_SHARD = "C";
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(120);
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String PARAMS = "\"params\":{\"trees\":200,\"maxDepth\":4,\"learningRate\":0.1}";

    @Test
    @Order(1)
    void fourLearnersTrainOneModelThatEachHoldsAndThatServesAsOne() throws Exception {
        Http.Reply fit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"boosted\",\"training\":\"joint\",\"seed\":5,"
                + PARAMS + ",\"deadlineMs\":" + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE);
        E2eCluster.log("joint fit: %s", fit);

        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        JsonNode body = fit.json();
        String modelId = body.get("modelId").asString();
        assertThat(body.get("training").asString()).isEqualTo("joint");
        assertThat(body.get("joint").get("shards").asString()).isEqualTo("A+B+C+D");
        assertThat(body.get("joint").get("workers").size()).isEqualTo(4);
        assertThat(body.get("joint").get("attempts").asInt()).isEqualTo(1);
        assertThat(fit.used()).isEqualTo(4);
        assertThat(fit.missing()).isEmpty();
        for (String learner : E2eCluster.LEARNERS) {
            assertThat(Api.outcome(body, learner).get("status").asString()).isEqualTo("trained");
        }

        // every learner holds it, as one model of one "shard" covering all four
        cluster.awaitHolders(modelId, E2eCluster.LEARNERS, Duration.ofSeconds(15));
        JsonNode view = Api.model(cluster.lbMain(), modelId).json();
        assertThat(Json.strings(view.get("holders"))).containsExactlyInAnyOrderElementsOf(E2eCluster.LEARNERS);
        assertThat(view.get("shards").propertyNames()).containsExactly("A+B+C+D");
        List<String> digests = new java.util.ArrayList<>();
        view.get("members").get("list").forEach(m -> digests.add(m.get("provenance").get("modelSha256").asString()));
        assertThat(digests).hasSize(4).containsOnly(digests.get(0));

        // a predict needs one holder; evaluate scores one model
        Rows rows = Rows.testRows(cluster.repo, 5);
        Http.Reply predict = Api.predict(cluster.lbMain(), modelId, rows.all(), DEADLINE);
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.used()).isEqualTo(1);
        assertThat(predict.expected()).isEqualTo(1);
        Http.Reply joint = Api.evaluate(cluster.lbMain(), modelId, DEADLINE);
        assertThat(joint.status()).as(joint.toString()).isEqualTo(200);
        assertThat(joint.used()).isEqualTo(1);

        // the same parameters per shard: four members of a quarter of the rows each, averaged
        Http.Reply perShardFit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"boosted\",\"seed\":5," + PARAMS
                + ",\"deadlineMs\":" + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE);
        assertThat(perShardFit.status()).as(perShardFit.toString()).isEqualTo(200);
        Http.Reply perShard = Api.evaluate(cluster.lbMain(), perShardFit.json().get("modelId").asString(), DEADLINE);
        double r2Joint = joint.json().get("r2").asDouble();
        double r2PerShard = perShard.json().get("r2").asDouble();
        E2eCluster.log("joint r2 %.4f, per-shard r2 %.4f", r2Joint, r2PerShard);
        assertThat(r2Joint).isGreaterThanOrEqualTo(r2PerShard - 0.01);
        Figures.of("joint-fit", getClass(), LoadGenerator.Stats.of(List.of(new LoadGenerator.Sample(0, null, 0, fit))),
                null, Map.of("fitLatencyMs", fit.latencyMs(), "r2Joint", r2Joint, "r2PerShard", r2PerShard))
                .report(cluster.reliabilityDir());

        // lifecycle as for any model: a DELETE removes it from every holder
        Http.Reply deleted = Http.call("DELETE", cluster.lbMain() + Api.V1 + "/models/" + modelId, null, DEADLINE,
                Map.of());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aLearnerKilledMidTrainingFailsTheFitFastOrLeavesItsShardOutAndNoOtherLearnerDies() throws Exception {
        List<String> before = Api.modelIds(cluster.lbMain());
        // enough rounds (about half a minute on four workers here) that the training is still running
        // when the learner is killed, few enough that a second attempt ends well within the deadline
        CompletableFuture<Http.Reply> running = CompletableFuture.supplyAsync(() -> Api.fit(cluster.lbMain(),
                "{\"algorithm\":\"boosted\",\"training\":\"joint\",\"seed\":6,\"params\":{\"trees\":800,"
                        + "\"maxDepth\":4,\"learningRate\":0.02},\"deadlineMs\":" + FIT_DEADLINE.toMillis() + "}",
                FIT_DEADLINE));
        // killed in the middle of the rounds: its worker has reported progress beyond the start
        String modelId = await("the joint fit's rounds under way on " + VICTIM).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> roundsUnderWay(VICTIM, before), id -> id != null);
        long killedAt = System.nanoTime();
        cluster.kill(VICTIM);

        Http.Reply fit = running.get(FIT_DEADLINE.plusSeconds(10).toSeconds(), TimeUnit.SECONDS);
        long answeredAfterKillMs = (System.nanoTime() - killedAt) / 1_000_000;
        E2eCluster.log("joint fit with %s killed, answered %d ms after the kill: %s", VICTIM, answeredAfterKillMs, fit);

        assertThat(fit.status()).as(fit.toString()).isIn(200, 503);
        if (fit.status() == 200) {
            // tried again with the live learners: the model lacks the dead learner's shard, and says so
            assertThat(fit.json().get("modelId").asString()).isEqualTo(modelId);
            assertThat(fit.json().get("joint").get("attempts").asInt()).isEqualTo(2);
            assertThat(Json.strings(fit.json().get("joint").get("missingShards"))).containsExactly(VICTIM_SHARD);
            assertThat(fit.missing()).containsExactly(VICTIM_SHARD);
            assertThat(fit.json().get("joint").get("failures").get(0).asString()).contains(VICTIM);
            Http.Reply predict = Api.predict(cluster.lbMain(), modelId, Rows.testRows(cluster.repo, 3).all(), DEADLINE);
            assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        } else {
            assertThat(fit.header("Content-Type")).startsWith("application/problem+json");
            assertThat(fit.detail()).contains(VICTIM);
        }
        assertThat(fit.latencyMs()).as("never waits for the deadline").isLessThan(FIT_DEADLINE.toMillis());

        // no other learner died with it, and they still serve
        List<String> survivors = E2eCluster.LEARNERS.stream().filter(l -> !l.equals(VICTIM)).toList();
        cluster.awaitExactlyLive(survivors, Duration.ofSeconds(15));
        for (String learner : survivors) {
            assertThat(cluster.healthy(learner)).as(learner + " healthy").isTrue();
        }
        Http.Reply baseline = Api.predict(cluster.lbMain(), cluster.baselineModel(), Rows.testRows(cluster.repo, 1).all(),
                DEADLINE);
        assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
        // and no training process outlives the fit: workers and trackers end with it or are killed
        await("no joint-training process left").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> jointChildren() == 0);

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", fit.status());
        details.put("answeredAfterKillMs", answeredAfterKillMs);
        details.put("fitLatencyMs", fit.latencyMs());
        details.put("fitDeadlineMs", FIT_DEADLINE.toMillis());
        Figures.of("joint-fit-learner-killed", getClass(), LoadGenerator.Stats.of(List.of(
                new LoadGenerator.Sample(0, null, 0, fit))), null, details).report(cluster.reliabilityDir());

        cluster.start(VICTIM);
        cluster.awaitAllLive(Duration.ofSeconds(30));
    }

    /** A new fit whose training on {@code learner} is past its first rounds (progress above 35 %). */
    private String roundsUnderWay(String learner, List<String> known) {
        JsonNode l = Api.learner(cluster.api("api-1"), learner).orElseThrow();
        for (JsonNode t : l.get("training")) {
            String id = t.get("modelId").asString();
            if (!known.contains(id) && "training".equals(t.get("phase").asString()) && t.get("percent").asInt() > 35) {
                return id;
            }
        }
        return null;
    }

    /** Processes of this host running the joint-training child main. */
    private static long jointChildren() throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    return Files.readString(p.resolve("cmdline")).contains("JointChild");
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }).count();
        }
    }
}
