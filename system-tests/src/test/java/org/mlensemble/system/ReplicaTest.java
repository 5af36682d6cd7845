package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Replicas: a cluster of its own where learner-1 and learner-3 both hold shard A and learner-2
 * holds B. The model has two members (its shards); either replica of A may serve it, with the same
 * answer, and losing one replica loses nothing.
 */
class ReplicaTest {

    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.of(List.of("A", "B", "A"));
        awaitLiveLearners(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void replicasOfAShardAnswerAloneWhenTheOtherStopsAndGiveTheSamePrediction() throws Exception {
        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), "{\"seed\": 11}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.body().at("/members/used").asInt()).isEqualTo(2);
        assertThat(fit.body().at("/members/expected").asInt()).isEqualTo(2);
        assertThat(fit.body().at("/members/missing").size()).isZero();
        assertThat(fit.body().get("learners")).hasSize(3)
                .allSatisfy(l -> assertThat(l.get("status").asString()).isEqualTo("trained"));
        String model = fit.body().get("modelId").asString();
        awaitLiveHolders(model, 3);
        JsonNode job = Http.get(cluster.apiUrl("/v1/ml-distributed/fit/jobs/" + model)).body();
        assertThat(job.get("trained").asInt()).isEqualTo(3);
        assertThat(job.get("members").get("expected").asInt()).isEqualTo(2);
        assertThat(job.get("members").get("used").asInt()).isEqualTo(2);
        JsonNode view = Http.get(cluster.apiUrl("/v1/ml-distributed/models/" + model)).body();
        assertThat(view.at("/shards/A/holders")).hasSize(2);
        assertThat(view.at("/shards/B/liveHolders")).hasSize(1);

        MeterRegistry meters = cluster.api().getBean(MeterRegistry.class);
        double hedgedBefore = meters.counter("ml.api.replies.hedged").count();
        String seedBody = Files.readString(cluster.dataDir.resolve(
                "house_pricing/other/one_prediction_house_pricing_test.json"), StandardCharsets.UTF_8);
        Http.Response both = predict(seedBody);
        assertThat(both.body().at("/members/used").asInt()).isEqualTo(2);
        assertThat(both.body().at("/members/expected").asInt()).isEqualTo(2);
        assertThat(both.body().at("/members/missing").size()).isZero();
        String servedA = both.body().at("/members/servedBy/A").asString();
        assertThat(servedA).isIn("learner-1", "learner-3");
        assertThat(both.body().at("/members/servedBy/B").asString()).isEqualTo("learner-2");
        // the other replica of A answered too: its reply is a hedge, counted and not used
        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.counter("ml.api.replies.hedged").count() > hedgedBefore);
        Http.Response evalBoth = evaluate();
        assertThat(evalBoth.body().get("memberMetrics").size()).isEqualTo(2);
        assertThat(evalBoth.body().get("withoutMember").size()).isEqualTo(2);

        Http.Response tooMany = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?quorum=3"), seedBody);
        assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(400);
        assertThat(tooMany.body().get("detail").asString()).contains("2 members (shards)");

        String other = servedA.equals("learner-1") ? "learner-3" : "learner-1";
        cluster.stopLearner(servedA);
        try {
            awaitLiveLearners(2);
            Http.Response one = predict(seedBody);
            assertThat(one.body().at("/members/used").asInt()).isEqualTo(2);
            assertThat(one.body().at("/members/missing").size()).isZero();
            assertThat(one.body().at("/members/servedBy/A").asString()).isEqualTo(other);
            // trained from the same seed and shard: the other replica's member is the same member
            assertThat(one.body().get("Prediction").asDouble())
                    .isEqualTo(both.body().get("Prediction").asDouble());
            Http.Response evalOne = evaluate();
            assertThat(evalOne.body().get("r2").asDouble()).isEqualTo(evalBoth.body().get("r2").asDouble());
            assertThat(evalOne.body().get("memberMetrics").has(other)).isTrue();

            cluster.stopLearner(other);
            awaitLiveLearners(1);
            Http.Response none = predict(seedBody);
            assertThat(none.body().at("/members/used").asInt()).isEqualTo(1);
            assertThat(none.body().at("/members/missing").get(0).asString()).isEqualTo("A");
        } finally {
            if (!cluster.running(servedA)) {
                cluster.startLearner(servedA, "A");
            }
        }
    }

    private static Http.Response predict(String body) {
        Http.Response r = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?deadlineMs=5000"), body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    private static Http.Response evaluate() {
        Http.Response r = Http.post(cluster.apiUrl("/v1/ml-distributed/evaluate"), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    private static void awaitLiveLearners(int n) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            int live = 0;
            for (JsonNode l : Http.get(cluster.apiUrl("/v1/ml-distributed/learners")).body()) {
                live += l.get("alive").asBoolean() ? 1 : 0;
            }
            return live == n;
        });
    }

    private static void awaitLiveHolders(String modelId, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Http.Response r = Http.get(cluster.apiUrl("/v1/ml-distributed/models/" + modelId));
            return r.status() == 200 && r.body().get("liveHolders").size() == n;
        });
    }
}
