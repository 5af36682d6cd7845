package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 8a: a learner whose model directory cannot be written. The learner's directory is replaced
 * by a regular file while it runs, which stops any learner (a {@code chmod} would stop nothing when
 * the learners run as root, {@code ML_JVM_USER=root}): saving a member then fails like a full or
 * read-only disk would. The fit must say so for that
 * learner (failed, with the reason), the learner must not claim the member, and it must stay up.
 */
@Order(4)
class DiskFaultTest extends ClusterTest {

    private static final String LEARNER = "learner-2";
    /** learner-k holds the k-th shard letter; members and {@code missing} name shards */
    private static final String SHARD = "B";
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(60);

    @Test
    @Order(1)
    void aLearnerThatCannotSaveReportsTheFitAsFailedAndStaysUp() throws IOException {
        Path dir = cluster.modelDir().resolve(LEARNER);
        Path aside = cluster.modelDir().resolve(LEARNER + ".e2e-aside");
        Files.move(dir, aside);
        Http.Reply fit;
        try {
            Files.writeString(dir, "not a directory");
            fit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"linear\",\"seed\":31,\"deadlineMs\":"
                    + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE);
            assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        } finally {
            Files.deleteIfExists(dir);
            Files.move(aside, dir);
        }
        String modelId = fit.json().get("modelId").asString();
        JsonNode outcome = Api.outcome(fit.json(), LEARNER);
        Figures.of("8a-unwritable-model-dir", getClass(), LoadGenerator.Stats.of(List.of(
                new LoadGenerator.Sample(0, null, 0, fit))), null, Map.of(
                        "learnerStatus", outcome.get("status").asString(),
                        "reason", String.valueOf(outcome.get("reason").asString())))
                .report(cluster.reliabilityDir());

        assertThat(fit.used()).isEqualTo(3);
        assertThat(fit.missing()).containsExactly(SHARD);
        assertThat(outcome.get("status").asString()).isEqualTo("failed");
        assertThat(outcome.get("reason").asString()).contains("cannot save member");
        // the fit's status, from any api instance, says the same once the learner's next heartbeat is in
        JsonNode mine = await("the fit's status shows the failure").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> member(Api.fitJob(cluster.lbMain(), modelId), LEARNER),
                        m -> m != null && !"pending".equals(m.get("phase").asString()));
        assertThat(mine.get("phase").asString()).isEqualTo("failed");
        assertThat(mine.get("reason").asString()).contains("cannot save member");
        // no claim of a member it could not keep, and still alive and serving
        List<String> others = E2eCluster.LEARNERS.stream().filter(l -> !l.equals(LEARNER)).toList();
        cluster.awaitHolders(modelId, others, Duration.ofSeconds(10));
        for (String api : E2eCluster.APIS) {
            assertThat(Api.holders(cluster.api(api), modelId)).doesNotContain(LEARNER).hasSize(3);
        }
        assertThat(Http.get(cluster.learner(LEARNER) + "/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(Api.liveLearners(cluster.lbMain())).contains(LEARNER);
    }

    @Test
    @Order(2)
    void withItsDirectoryBackTheLearnerTrainsAndKeepsMembersAgain() {
        Http.Reply fit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"linear\",\"seed\":32,\"quorum\":4,\"deadlineMs\":"
                + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.used()).isEqualTo(4);
        String modelId = fit.json().get("modelId").asString();
        assertThat(cluster.modelDir().resolve(LEARNER).resolve(modelId).resolve("member.tribuo")).isRegularFile();
    }

    private static JsonNode member(JsonNode job, String learner) {
        for (JsonNode m : job.get("members").get("list")) {
            if (m.get("learnerId").asString().equals(learner)) {
                return m;
            }
        }
        return null;
    }
}
