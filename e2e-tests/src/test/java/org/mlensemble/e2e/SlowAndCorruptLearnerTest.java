package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scenarios 7 and 8b, on one learner restart: learner-4 is stopped, one of its member files is
 * overwritten with garbage, and it is started again with a reply delay longer than the predict
 * deadline ({@code ML_LEARNER_EXTRA_ARGS=--ml.learner.reply-delay=2s bin/mlcluster start learner-4}:
 * bin/mlcluster reads the variable at every start). It must skip and report the corrupt member,
 * be left out of every predict at the deadline, and have its late replies counted and ignored.
 * Then it is restored: the member file repaired, the learner restarted with default settings.
 */
@Order(3)
class SlowAndCorruptLearnerTest extends ClusterTest {

    private static final String LEARNER = "learner-4";
    /** learner-k holds the k-th shard letter; members and {@code missing} name shards */
    private static final String SHARD = "D";
    private static final Duration REPLY_DELAY = Duration.ofSeconds(2);
    private static final Duration PREDICT_DEADLINE = Duration.ofMillis(1500);

    private String corruptModel;
    private Path memberFile;
    private byte[] original;

    @Test
    @Order(1)
    void aCorruptMemberFileIsSkippedAndReportedAtStartUp() throws IOException {
        Http.Reply fit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"linear\",\"seed\":21,\"quorum\":4,\"deadlineMs\":60000}",
                Duration.ofSeconds(60));
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        corruptModel = fit.json().get("modelId").asString();
        cluster.awaitHolders(corruptModel, E2eCluster.LEARNERS, Duration.ofSeconds(10));
        memberFile = cluster.modelDir().resolve(LEARNER).resolve(corruptModel).resolve("member.tribuo");
        original = Files.readAllBytes(memberFile);

        cluster.stop(LEARNER);
        Files.writeString(memberFile, "this is not a Tribuo model");
        long t0 = System.nanoTime();
        cluster.start(LEARNER, "--ml.learner.reply-delay=" + REPLY_DELAY.toMillis() + "ms");
        cluster.awaitAllLive(Duration.ofSeconds(10));
        long backMs = (System.nanoTime() - t0) / 1_000_000;

        JsonNode seen = Api.learner(cluster.lbMain(), LEARNER).orElseThrow();
        assertThat(seen.get("loadFailures").asInt()).as("loadFailures in the heartbeat").isGreaterThanOrEqualTo(1);
        for (String api : E2eCluster.APIS) {
            assertThat(Api.holders(cluster.api(api), corruptModel)).doesNotContain(LEARNER).hasSize(3);
            assertThat(Api.liveHolders(cluster.api(api), cluster.baselineModel())).contains(LEARNER);
        }
        assertThat(Files.readString(cluster.log(LEARNER))).contains("skipped stored member " + corruptModel);
        double lateBefore = lateReplies();
        Http.Reply answer = Api.predict(cluster.lbMain(), corruptModel, Rows.testRows(cluster.repo, 1).one(0),
                PREDICT_DEADLINE);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.used()).isEqualTo(3);
        // the slow learner's "I do not hold it" comes after the three holders answered: late, ignored
        await().atMost(REPLY_DELAY.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> lateReplies() >= lateBefore + 1);
        Figures.of("8b-corrupt-member-at-start-up", getClass(), LoadGenerator.Stats.of(List.of(
                new LoadGenerator.Sample(0, null, 0, answer))), backMs, Map.of(
                        "loadFailures", seen.get("loadFailures").asInt(),
                        "membersLoaded", seen.get("held").size()))
                .report(cluster.reliabilityDir());
    }

    @Test
    @Order(2)
    void aSlowLearnerIsLeftOutAtTheDeadlineAndItsLateRepliesAreIgnored() {
        assumeTrue(corruptModel != null, "the slow learner runs");
        String model = cluster.baselineModel();
        Rows rows = Rows.testRows(cluster.repo, 10);
        double lateBefore = lateReplies();
        Http.Reply batch = Api.predict(cluster.lbMain(), model, rows.all(), PREDICT_DEADLINE);
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        assertThat(batch.missing()).containsExactly(SHARD);
        LoadGenerator load = LoadGenerator.start("slow", 2, 12, Duration.ofSeconds(30), seq -> {
            int row = (int) (seq % rows.size());
            return new LoadGenerator.Call(row, () -> Api.predict(cluster.lbMain(), model, rows.one(row), PREDICT_DEADLINE));
        });
        List<LoadGenerator.Sample> samples = load.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
        long sent = samples.size() + 1; // and the batch
        await("every late reply counted").atMost(REPLY_DELAY.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> lateReplies() >= lateBefore + sent);
        double late = lateReplies() - lateBefore;

        List<String> wrong = new ArrayList<>();
        for (LoadGenerator.Sample s : samples) {
            Http.Reply r = s.reply();
            int row = (int) s.tag();
            double want = batch.json().get("Predictions").get(row).asDouble();
            if (!r.ok() || !r.missing().equals(List.of(SHARD)) || r.used() != 3
                    || Math.abs(r.json().get("Prediction").asDouble() - want) > 1e-9 * Math.abs(want)) {
                wrong.add(r.toString());
            }
        }
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(samples);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("replyDelayMs", REPLY_DELAY.toMillis());
        details.put("deadlineMs", PREDICT_DEADLINE.toMillis());
        details.put("lateRepliesCounted", late);
        details.put("minLatencyMs", samples.stream().mapToLong(s -> s.reply().latencyMs()).min().orElse(0));
        Figures.of("7-slow-learner", getClass(), stats, null, details).report(cluster.reliabilityDir());

        assertThat(wrong).as("answers that are not the 3-member answer of their row").isEmpty();
        assertThat(stats.hung()).isZero();
        assertThat(samples).allSatisfy(s -> assertThat(s.reply().latencyMs())
                .as("waits for the slow learner until the deadline, not past it + 1 s")
                .isBetween(PREDICT_DEADLINE.toMillis() - 50, PREDICT_DEADLINE.plus(Api.SLACK).toMillis()));
        assertThat(late).as("late replies counted by the api instances").isEqualTo((double) sent);
    }

    @Test
    @Order(3)
    void theRestoredLearnerServesEveryModelAgainAtFullSpeed() throws IOException {
        assumeTrue(original != null, "a member file was corrupted");
        Files.write(memberFile, original);
        cluster.stop(LEARNER);
        long t0 = System.nanoTime();
        cluster.start(LEARNER);
        cluster.awaitAllLive(Duration.ofSeconds(10));
        long backMs = (System.nanoTime() - t0) / 1_000_000;
        cluster.awaitHolders(corruptModel, E2eCluster.LEARNERS, Duration.ofSeconds(10));
        assertThat(Api.learner(cluster.lbMain(), LEARNER).orElseThrow().get("loadFailures").asInt()).isZero();
        Http.Reply answer = Api.predict(cluster.lbMain(), corruptModel, Rows.testRows(cluster.repo, 1).one(0),
                PREDICT_DEADLINE);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.used()).isEqualTo(4);
        assertThat(answer.latencyMs()).isLessThan(PREDICT_DEADLINE.toMillis());
        E2eCluster.log("%s restored in %d ms", LEARNER, backMs);
    }

    private double lateReplies() {
        double sum = 0;
        for (String api : E2eCluster.APIS) {
            sum += Api.metric(cluster.apiManagement(api), "ml_api_replies_late_total");
        }
        return sum;
    }
}
