package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import tools.jackson.databind.JsonNode;

/**
 * The whole ensemble against a real broker: one api, four learners. The tests run in order on one
 * shared cluster, each leaving it with four healthy learners.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsembleTest {

    private static Cluster cluster;
    private static String firstModel;
    private static String missedModel;

    @BeforeAll
    static void startCluster() {
        if (cluster != null) {
            return;
        }
        cluster = Cluster.get();
        awaitLiveLearners(4);
    }

    @Test
    @Order(1)
    void predictBeforeAnyFitAsksToFitFirst() {
        Http.Response r = Http.post(cluster.apiUrl("/v1/ml-distributed/predict"), "{\"LotArea\": [8000]}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().get("detail").asString()).contains("call POST /v1/ml-distributed/fit first");
    }

    @Test
    @Order(1)
    void apiAndLearnersReportReadyOnceBrokerAndPresenceAreUp() {
        Http.Response api = Http.get(cluster.apiManagementUrl("/actuator/health/readiness"));
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.body().get("status").asString()).isEqualTo("UP");
        for (int i = 0; i < Cluster.SHARDS.size(); i++) {
            Http.Response learner = Http.get(cluster.learnerUrl(Cluster.learnerId(i), "/actuator/health/readiness"));
            assertThat(learner.status()).isEqualTo(200);
            assertThat(learner.body().get("status").asString()).isEqualTo("UP");
        }
        assertThat(Http.get(cluster.apiManagementUrl("/actuator/health/liveness")).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void fitEvaluateAndPredictWorkEndToEnd() throws Exception {
        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), null);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.body().at("/members/used").asInt()).isEqualTo(4);
        assertThat(fit.body().at("/members/missing").size()).isZero();
        assertThat(fit.body().get("learners")).allSatisfy(l -> assertThat(l.get("status").asString()).isEqualTo("trained"));
        firstModel = fit.body().get("modelId").asString();
        // no waiting: the seed's three calls run back to back, so learners announce a new member
        // before they answer its fit

        Http.Response eval = Http.post(cluster.apiUrl("/v1/ml-distributed/evaluate"), null);
        assertThat(eval.status()).as(eval.toString()).isEqualTo(200);
        assertThat(eval.body().get("modelId").asString()).isEqualTo(firstModel);
        assertThat(eval.body().get("r2").asDouble()).isGreaterThan(0.6);
        assertThat(eval.body().get("r2_score").asDouble()).isEqualTo(eval.body().get("r2").asDouble());
        assertThat(eval.body().get("mean_squared_error").asDouble())
                .isCloseTo(Math.pow(eval.body().get("rmse").asDouble(), 2), org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(eval.body().get("memberMetrics").size()).isEqualTo(4);
        assertThat(eval.body().get("withoutMember").size()).isEqualTo(4);

        String seedBody = Files.readString(seedPredictFile(), StandardCharsets.UTF_8);
        Http.Response predict = Http.post(cluster.apiUrl("/v1/ml-distributed/predict"), seedBody);
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.body().get("ProblemType").asString()).isEqualTo("regression");
        assertThat(predict.body().get("Prediction").asDouble()).isBetween(10_000.0, 1_000_000.0);
        assertThat(predict.body().has("Predictions")).isFalse();
        assertThat(predict.body().at("/members/used").asInt()).isEqualTo(4);
        assertThat(predict.body().at("/members/servedBy/A").asString()).isEqualTo("learner-1");
        assertThat(predict.body().at("/members/servedBy/D").asString()).isEqualTo("learner-4");
    }

    @Test
    @Order(3)
    void twoHundredConcurrentPredictsEachGetTheirOwnAnswer() throws Exception {
        List<Map<String, List<Object>>> rows = testRows(200);
        Map<String, List<Object>> batch = new LinkedHashMap<>();
        for (Map<String, List<Object>> row : rows) {
            row.forEach((k, v) -> batch.computeIfAbsent(k, x -> new ArrayList<>()).add(v.get(0)));
        }
        Http.Response all = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + firstModel),
                Http.json(batch));
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        JsonNode expected = all.body().get("Predictions");
        assertThat(expected.size()).isEqualTo(200);

        // concurrent predicts share jobs (PredictBatcher); every tenth one carries a bad value,
        // which must fail that request alone
        List<CompletableFuture<Http.Response>> inFlight = new ArrayList<>();
        List<CompletableFuture<Http.Response>> bad = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            inFlight.add(Http.postAsync(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + firstModel
                    + "&deadlineMs=10000"), Http.json(rows.get(i))));
            if (i % 10 == 0) {
                bad.add(Http.postAsync(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + firstModel
                        + "&deadlineMs=10000"), "{\"LotArea\": [\"a lot\"]}"));
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Http.Response r = inFlight.get(i).join();
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.body().at("/members/used").asInt()).isEqualTo(4);
            assertThat(r.body().get("Prediction").asDouble()).as("row %d", i).isEqualTo(expected.get(i).asDouble());
        }
        for (CompletableFuture<Http.Response> f : bad) {
            Http.Response r = f.join();
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.body().get("detail").asString()).contains("LotArea");
        }
        MeterRegistry meters = cluster.api().getBean(MeterRegistry.class);
        assertThat(meters.get("ml.api.predict.batch.requests").summary().count())
                .as("jobs that carried more than one request").isPositive();
    }

    @Test
    @Order(4)
    void returnsPartialEnsembleWhenALearnerIsDown() {
        cluster.stopLearner("learner-4");
        awaitLiveLearners(3);

        Http.Response predict = Http.post(cluster.apiUrl("/v1/ml-distributed/predict"), "{\"LotArea\": [9000]}");
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.body().at("/members/used").asInt()).isEqualTo(3);
        assertThat(predict.body().at("/members/expected").asInt()).isEqualTo(4);
        assertThat(predict.body().at("/members/missing/0").asString()).isEqualTo("D");

        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), "{\"seed\": 7}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.body().at("/members/used").asInt()).isEqualTo(3);
        assertThat(fit.body().at("/members/missing/0").asString()).isEqualTo("D");
        missedModel = fit.body().get("modelId").asString();

        // the first model has four shards, one of them down: a quorum of 4 is not met
        Http.Response unreachable = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?quorum=4&modelId="
                + firstModel), "{\"LotArea\": [9000]}");
        assertThat(unreachable.status()).as(unreachable.toString()).isEqualTo(503);
        assertThat(unreachable.body().get("detail").asString()).contains("quorum is 4").contains("D=");
        // the model trained without learner-4 has three shards so far: 4 is more than it can ever answer now
        Http.Response tooMany = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?quorum=4"),
                "{\"LotArea\": [9000]}");
        assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(400);
        assertThat(tooMany.body().get("detail").asString()).contains("3 members (shards)");
    }

    @Test
    @Order(5)
    void restartedLearnerServesItsPersistedMemberAndCatchesUpOnTheFitItMissed() {
        cluster.startLearner("learner-4", "D");
        awaitLiveLearners(4);
        awaitModelHeldBy(missedModel, 4);

        Http.Response old = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + firstModel),
                "{\"LotArea\": [9000]}");
        assertThat(old.status()).as(old.toString()).isEqualTo(200);
        assertThat(old.body().at("/members/used").asInt()).isEqualTo(4);

        Http.Response latest = Http.post(cluster.apiUrl("/v1/ml-distributed/predict"), "{\"LotArea\": [9000]}");
        assertThat(latest.body().get("modelId").asString()).isEqualTo(missedModel);
        assertThat(latest.body().at("/members/used").asInt()).isEqualTo(4);
    }

    @Test
    @Order(6)
    void poisonMessagesAreDeadLetteredAndLearnersKeepServing() {
        deadLetteredByEveryLearnerWhoKeepServing(
                new Poison("{not json".getBytes(StandardCharsets.UTF_8), "predict", Headers.PROTOCOL_VERSION),
                new Poison("{}".getBytes(StandardCharsets.UTF_8), "no-such-job", Headers.PROTOCOL_VERSION));
    }

    @Test
    @Order(6)
    void aJobOfAnotherProtocolVersionIsDeadLetteredAndLearnersKeepServing() {
        // a predict every learner could answer, but in a contract version none of them speaks
        deadLetteredByEveryLearnerWhoKeepServing(new Poison(
                MessageCodec.encode(new PredictJob(missedModel, Map.of("LotArea", List.of(9000)), 1)), "predict",
                Headers.PROTOCOL_VERSION + 1));
    }

    private record Poison(byte[] body, String jobType, int protocol) {
    }

    /** Each poison, fanned out to the four learners, is dead-lettered by each; then all four still answer. */
    private void deadLetteredByEveryLearnerWhoKeepServing(Poison... poisons) {
        BrokerTool broker = BrokerTool.of(cluster);
        String dlq = broker.topology().deadLetterQueue();
        int before = broker.depth(dlq);
        for (Poison p : poisons) {
            broker.publishJob(p.body(), Map.of(Headers.JOB_TYPE, p.jobType(), Headers.PROTOCOL, p.protocol()));
        }
        int expected = before + poisons.length * Cluster.SHARDS.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.depth(dlq) >= expected);
        assertThat(broker.depth(dlq)).isEqualTo(expected);

        Http.Response answer = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + missedModel),
                "{\"LotArea\": [9000]}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().at("/members/used").asInt()).isEqualTo(4);
        assertThat(Cluster.SHARDS).allSatisfy(s -> assertThat(cluster.running("learner-" + (Cluster.SHARDS.indexOf(s) + 1))).isTrue());
    }

    @Test
    @Order(7)
    void deadlineIsHonouredWhenALearnerIsSlow() {
        cluster.stopLearner("learner-4");
        cluster.startLearner("learner-4", "D", "ml.learner.reply-delay=2s");
        awaitModelHeldBy(missedModel, 4);
        MeterRegistry meters = cluster.api().getBean(MeterRegistry.class);
        double lateBefore = meters.counter("ml.api.replies.late").count();
        try {
            Http.Response r = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?deadlineMs=1000"),
                    "{\"LotArea\": [9000]}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.body().at("/members/used").asInt()).isEqualTo(3);
            assertThat(r.body().at("/members/missing/0").asString()).isEqualTo("D");
            // the api's own clock: from the request reaching it to the answer, which the deadline bounds;
            // the client's clock adds HTTP and scheduling noise, so it only gets a looser bound
            assertThat(r.body().get("elapsedMs").asLong()).isBetween(1000L - 200, 1000L + 200);
            assertThat(r.elapsedMs()).isLessThan(1000L + 1000);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> meters.counter("ml.api.replies.late").count() > lateBefore);
        } finally {
            cluster.stopLearner("learner-4");
            cluster.startLearner("learner-4", "D");
            awaitModelHeldBy(missedModel, 4);
        }
    }

    @Test
    @Order(8)
    void badInputGetsAClearProblemAndNoStackTrace() throws Exception {
        for (String shard : Cluster.SHARDS) {
            Path broken = cluster.dataDir.resolve("broken").resolve(shard);
            Files.createDirectories(broken);
            Files.writeString(broken.resolve("data.csv"), "a,b,y\n1,2,3\n4,5\n");
            Path empty = cluster.dataDir.resolve("empty").resolve(shard);
            Files.createDirectories(empty);
            Files.writeString(empty.resolve("data.csv"), "a,b,y\n");
        }
        record Case(String path, String body, int status, String detail) {
        }
        List<Case> cases = List.of(
                new Case("/v1/ml-distributed/predict", "{\"LotArea\": [1", 400, "not valid JSON"),
                new Case("/v1/ml-distributed/predict", "{\"NoSuchColumn\": [1]}", 400, "unknown column"),
                new Case("/v1/ml-distributed/predict", "{\"LotArea\": [\"big\"]}", 400, "expects a number"),
                new Case("/v1/ml-distributed/predict", "{\"LotArea\": [1e400]}", 400, "out of range"),
                new Case("/v1/ml-distributed/predict", "{\"LotArea\": [1, 2], \"GrLivArea\": [1]}", 400, "one value per row"),
                new Case("/v1/ml-distributed/predict", "[]", 400, "JSON object"),
                new Case("/v1/ml-distributed/predict?modelId=m-nope", "{\"LotArea\": [1]}", 404, "m-nope"),
                new Case("/v1/ml-distributed/predict?quorum=99", "{\"LotArea\": [1]}", 400,
                        "quorum 99 is more than the 4 members (shards)"),
                new Case("/v1/ml-distributed/evaluate", "{\"quorum\": 5}", 400, "4 members (shards)"),
                new Case("/v1/ml-distributed/fit", "{\"quorum\": 5}", 400, "4 members (shards)"),
                new Case("/v1/ml-distributed/fit", "{\"target\": \"Nope\"}", 400, "unknown target 'Nope'"),
                new Case("/v1/ml-distributed/fit", "{\"target\": \"Neighborhood\"}", 400, "must be numeric"),
                new Case("/v1/ml-distributed/fit", "{\"dataset\": \"../etc\"}", 400, "dataset"),
                new Case("/v1/ml-distributed/fit", "{\"dataset\": \"nothing_here\"}", 400, "unknown dataset"),
                new Case("/v1/ml-distributed/fit", "{\"algorithm\": \"svm\"}", 400, "linear, tree, forest"),
                new Case("/v1/ml-distributed/fit", "{\"algorithm\": \"tree\", \"params\": {\"depth\": 3}}", 400,
                        "maxDepth"),
                new Case("/v1/ml-distributed/fit", "{\"seeed\": 1}", 400, "unknown field 'seeed'"),
                new Case("/v1/ml-distributed/fit", "{\"dataset\": \"broken\", \"target\": \"y\"}", 400,
                        "line 3: 2 cells, header has 3"),
                new Case("/v1/ml-distributed/fit", "{\"dataset\": \"empty\", \"target\": \"y\"}", 400,
                        "no rows with a value for target 'y'"),
                new Case("/v1/ml-distributed/evaluate", "{\"deadlineMs\": -5}", 400, "deadlineMs"));
        for (Case c : cases) {
            Http.Response r = Http.post(cluster.apiUrl(c.path()), c.body());
            assertThat(r.status()).as(c + " -> " + r).isEqualTo(c.status());
            assertThat(r.contentType()).as(c.toString()).startsWith("application/problem+json");
            assertThat(r.body().get("detail").asString()).as(c.toString()).contains(c.detail());
            assertThat(r.body().toString()).as(c.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    @Order(9)
    void boostedTreesFitEvaluateAndPredictThroughTheEnsembleAndRefuseOutOfRangeParameters() throws Exception {
        String body = "{\"algorithm\": \"boosted\", \"params\": {\"trees\": 120, \"earlyStoppingRounds\": 20}, "
                + "\"seed\": 5}";
        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), body);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.body().at("/members/used").asInt()).isEqualTo(4);
        assertThat(fit.body().at("/params/learningRate").asDouble()).isEqualTo(0.05);
        assertThat(fit.body().at("/params/earlyStoppingRounds").asInt()).isEqualTo(20);
        String model = fit.body().get("modelId").asString();
        awaitModelHeldBy(model, 4);
        Http.Response held = Http.get(cluster.apiUrl("/v1/ml-distributed/models/" + model));
        assertThat(held.toString()).contains("xgboostVersion").contains("bestIteration");

        Http.Response eval = Http.post(cluster.apiUrl("/v1/ml-distributed/evaluate"), "{\"modelId\": \"" + model + "\"}");
        assertThat(eval.status()).as(eval.toString()).isEqualTo(200);
        assertThat(eval.body().get("r2").asDouble()).isGreaterThan(0.7);
        assertThat(eval.body().get("memberMetrics").size()).isEqualTo(4);

        String rows = Http.json(testRows(1).get(0));
        Http.Response predict = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + model), rows);
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.body().get("Prediction").asDouble()).isBetween(10_000.0, 1_000_000.0);
        assertThat(predict.body().at("/members/used").asInt()).isEqualTo(4);
        // the same fit again is the same model, to the last bit: every learner refits deterministically
        Http.Response refit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), body);
        assertThat(refit.status()).as(refit.toString()).isEqualTo(200);
        String again = refit.body().get("modelId").asString();
        awaitModelHeldBy(again, 4);
        Http.Response predictAgain = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + again), rows);
        assertThat(predictAgain.body().get("Prediction")).isEqualTo(predict.body().get("Prediction"));

        for (String bad : List.of("{\"learningRate\": 0}", "{\"maxDepth\": 40}", "{\"subsample\": 2}",
                "{\"colsample\": 0.5}")) {
            Http.Response r = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"),
                    "{\"algorithm\": \"boosted\", \"params\": " + bad + "}");
            assertThat(r.status()).as(bad + " -> " + r).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.body().get("detail").asString()).as(bad).containsAnyOf("must be between", "unknown parameter");
        }
    }

    static void awaitLiveLearners(int n) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode learners = Http.get(cluster.apiUrl("/v1/ml-distributed/learners")).body();
            int live = 0;
            for (JsonNode l : learners) {
                live += l.get("alive").asBoolean() ? 1 : 0;
            }
            return live == n;
        });
    }

    static void awaitModelHeldBy(String modelId, int liveMembers) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Http.Response r = Http.get(cluster.apiUrl("/v1/ml-distributed/models/" + modelId));
            return r.status() == 200 && r.body().get("liveHolders").size() == liveMembers;
        });
    }

    private static Path seedPredictFile() {
        return cluster.dataDir.resolve("house_pricing/other/one_prediction_house_pricing_test.json");
    }

    /** The first rows of the test set, each as a one-row predict body. */
    private static List<Map<String, List<Object>>> testRows(int n) throws Exception {
        Table test = CsvReader.read(cluster.dataDir.resolve("house_pricing/test/data.csv"));
        List<Map<String, List<Object>>> rows = new ArrayList<>();
        for (String[] r : test.rows().subList(0, n)) {
            Map<String, List<Object>> row = new LinkedHashMap<>();
            for (int c = 0; c < r.length; c++) {
                String name = test.header().get(c);
                if (!name.equals("SalePrice")) {
                    List<Object> one = new ArrayList<>();
                    one.add(Table.isMissing(r[c]) ? null : r[c]);
                    row.put(name, one);
                }
            }
            rows.add(row);
        }
        return rows;
    }
}
