package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 9: two replicas per shard. The suite's four learners (shards A..D) get four more with
 * {@code bin/mlcluster start learner-5} .. {@code learner-8}, which the launcher puts on shards A..D
 * again ((k-1) mod 4). All eight train a new fit. Then, under a predict load:
 * <ul>
 * <li>one replica of every shard is SIGKILLed: no predict fails and every answer still has all four
 * shards ({@code members.used == 4} of 4), the surviving replica answering for its shard;</li>
 * <li>the second replica of shard D is SIGKILLed too: answers are 200 with 3 of 4 shards and
 * {@code missing == ["D"]}.</li>
 * </ul>
 * Afterwards the killed learners come back, learner-5..8 are stopped (and their queues removed), and
 * the cluster is its usual four learners again for the scenarios that follow.
 */
@Order(7)
class ReplicaTest extends ClusterTest {

    private static final List<String> REPLICAS = List.of("learner-5", "learner-6", "learner-7", "learner-8");
    private static final List<String> ALL = List.of("learner-1", "learner-2", "learner-3", "learner-4", "learner-5",
            "learner-6", "learner-7", "learner-8");
    /** One replica of each shard: A and C lose an original learner, B and D an added one. */
    private static final List<String> ONE_PER_SHARD = List.of("learner-1", "learner-6", "learner-3", "learner-8");
    /** The other replica of shard D: with it, shard D has no learner left. */
    private static final String LAST_OF_D = "learner-4";
    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(2);
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(90);
    private static final Duration LOAD = Duration.ofSeconds(40);

    private Rows rows;
    private String model;
    private List<LoadGenerator.Sample> predicts;
    private long killedAtMs;
    private boolean cleanedUp;

    @Test
    @Order(1)
    void addedLearnersJoinAsSecondReplicasAndAllEightTrainANewFit() {
        rows = Rows.testRows(cluster.repo, 20);
        for (String r : REPLICAS) {
            cluster.start(r);
        }
        cluster.awaitExactlyLive(ALL, Duration.ofSeconds(60));
        for (String l : ALL) {
            JsonNode seen = Api.learner(cluster.lbMain(), l).orElseThrow();
            assertThat(seen.get("shard").asString()).as("shard of %s", l).isEqualTo(shardOf(l));
            assertThat(cluster.healthy(l)).as("%s healthy", l).isTrue();
        }
        assertThat(cluster.statusOk()).as("bin/mlcluster status with the added learners").isTrue();

        Http.Reply fit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"linear\",\"seed\":21,\"deadlineMs\":"
                + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE);
        E2eCluster.log("fit on 8 learners: %s", fit);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        model = fit.json().get("modelId").asString();
        for (String l : ALL) {
            JsonNode o = Api.outcome(fit.json(), l);
            assertThat(o.get("status").asString()).as("%s in %s", l, o).isEqualTo("trained");
            assertThat(o.get("shard").asString()).as("%s in %s", l, o).isEqualTo(shardOf(l));
        }
        cluster.awaitHolders(model, ALL, Duration.ofSeconds(15));
        // every shard answers: four members, however many replicas replied
        Http.Reply answer = Api.predict(cluster.lbMain(), model, rows.all(), PREDICT_DEADLINE);
        E2eCluster.log("predict on 8 learners: %s", answer.json() == null ? answer : answer.json().get("members"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.used()).as("shards answering").isEqualTo(4);
        assertThat(answer.expected()).as("shards expected").isEqualTo(4);
        assertThat(answer.missing()).isEmpty();
    }

    @Test
    @Order(2)
    void losingOneReplicaOfEveryShardFailsNoPredictAndKeepsAllFourShards() {
        assumeTrue(model != null, "the eight learners trained a model");
        LoadGenerator load = LoadGenerator.start("predict", 4, 20_000, LOAD, seq -> {
            int row = (int) (seq % rows.size());
            return new LoadGenerator.Call(row, () -> Api.predict(cluster.lbMain(), model, rows.one(row), PREDICT_DEADLINE));
        });
        try {
            await("the load runs").atMost(Duration.ofSeconds(15)).until(() -> load.completed() >= 40);
            killedAtMs = load.elapsedMs();
            for (String victim : ONE_PER_SHARD) {
                cluster.kill(victim);
            }
            await(ONE_PER_SHARD + " no longer alive").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> E2eCluster.APIS.stream().allMatch(a -> Api.liveLearners(cluster.api(a)).stream()
                            .noneMatch(ONE_PER_SHARD::contains)));
            long settled = load.elapsedMs();
            await("the load runs 3 s past the loss").atMost(Duration.ofSeconds(10))
                    .until(() -> load.elapsedMs() > settled + 3_000);
        } finally {
            load.stop();
        }
        predicts = load.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(predicts);
        Map<String, Long> memberSets = memberSets(predicts);
        E2eCluster.log("predicts while one replica per shard died: %s; members seen: %s", stats, memberSets);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("killedAtMs", killedAtMs);
        details.put("victims", ONE_PER_SHARD);
        details.put("memberSets", memberSets);
        Figures.of("9a-one-replica-per-shard-killed-under-predict-load", getClass(), stats, null, details)
                .report(cluster.reliabilityDir());

        assertThat(stats.hung()).as("requests past their deadline + 1 s").isZero();
        assertThat(stats.failed()).as("failed predicts: %s", stats.byStatus()).isZero();
        List<String> short4 = new ArrayList<>();
        for (LoadGenerator.Sample s : predicts) {
            Http.Reply r = s.reply();
            if (r.used() != 4 || r.expected() != 4 || !r.missing().isEmpty()) {
                short4.add("#" + s.seq() + " at " + s.startedAtMs() + " ms: " + r.json().get("members"));
            }
        }
        assertThat(short4.size()).as("answers without all four shards, of %d; the first: %s", predicts.size(),
                short4.subList(0, Math.min(5, short4.size()))).isZero();
    }

    @Test
    @Order(3)
    void losingBothReplicasOfShardDAnswersWithTheOtherThreeShards() {
        assumeTrue(predicts != null, "one replica per shard was killed");
        cluster.kill(LAST_OF_D);
        await(LAST_OF_D + " no longer alive").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> E2eCluster.APIS.stream()
                        .noneMatch(a -> Api.liveLearners(cluster.api(a)).contains(LAST_OF_D)));
        List<Http.Reply> answers = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            answers.add(Api.predict(cluster.lbMain(), model, rows.one(i), PREDICT_DEADLINE));
        }
        Http.Reply batch = Api.predict(cluster.lbMain(), model, rows.all(), PREDICT_DEADLINE);
        answers.add(batch);
        E2eCluster.log("with shard D gone: %s", batch.json() == null ? batch : batch.json().get("members"));
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.used()).as("shards answering: %s", r.json().get("members")).isEqualTo(3);
            assertThat(r.expected()).as("shards expected").isEqualTo(4);
            assertThat(r.missing()).containsExactly("D");
        });
    }

    @Test
    @Order(4)
    void theClusterGoesBackToItsFourLearners() {
        restoreFourLearners();
        Http.Reply answer = Api.predict(cluster.lbMain(), cluster.baselineModel(), Rows.testRows(cluster.repo, 5).all(),
                PREDICT_DEADLINE);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.used()).isEqualTo(4);
        assertThat(answer.missing()).isEmpty();
        assertThat(cluster.statusOk()).as("bin/mlcluster status lists learner-1..4 only, all healthy").isTrue();
        assertThat(cluster.status().output()).doesNotContain("learner-5");
    }

    /** Restarts the killed learners, stops learner-5..8; even when a step failed. */
    @AfterAll
    void restoreFourLearners() {
        if (cleanedUp || cluster == null) {
            return;
        }
        for (String l : E2eCluster.LEARNERS) {
            if (!cluster.healthy(l)) {
                cluster.start(l);
            }
        }
        for (String r : REPLICAS) {
            cluster.stop(r);
        }
        cluster.awaitExactlyLive(E2eCluster.LEARNERS, Duration.ofSeconds(60));
        if (model != null) {
            // the killed learners held the new fit before: they load it again from disk
            cluster.awaitHolders(model, E2eCluster.LEARNERS, Duration.ofSeconds(30));
        }
        cleanedUp = true;
    }

    /** learner-k holds shard ((k-1) mod 4): A B C D A B C D. */
    private static String shardOf(String learner) {
        return String.valueOf((char) ('A' + (E2eCluster.index(learner) - 1) % 4));
    }

    /** How often each member set was seen ("4/4 missing []" -> count). */
    private static Map<String, Long> memberSets(List<LoadGenerator.Sample> samples) {
        Map<String, Long> out = new TreeMap<>();
        for (LoadGenerator.Sample s : samples) {
            Http.Reply r = s.reply();
            String key = r.ok() ? r.used() + "/" + r.expected() + " missing " + r.missing() : "status " + r.status();
            out.merge(key, 1L, Long::sum);
        }
        return out;
    }
}
