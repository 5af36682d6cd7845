package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlensemble.datagen.HousePricingGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The model lifecycle on real learners and a real broker: retention (2 versions per learner here),
 * pinning, deletion, the 404 that says when and why, and the default model of a predict or an
 * evaluate that names none when two datasets have models.
 */
class ModelLifecycleTest {

    private static final String API = "/v1/ml-distributed";
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.of(List.of("A", "B"), "ml.learner.retention=2");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            int live = 0;
            for (JsonNode l : Http.get(cluster.apiUrl(API + "/learners")).body()) {
                live += l.get("alive").asBoolean() ? 1 : 0;
            }
            return live == 2;
        });
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void retentionPinningDeletionAndDefaultModelsWorkAcrossTheCluster() throws java.io.IOException {
        String pinned = fit("house_pricing");
        Http.Response pin = Http.put(cluster.apiUrl(API + "/models/" + pinned + "/pin"));
        assertThat(pin.status()).as(pin.toString()).isEqualTo(200);
        assertThat(pin.body().get("action").asString()).isEqualTo("pinned");
        assertThat(strings(pin.body().get("learners"))).containsExactly("learner-1", "learner-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(cluster.apiUrl(API + "/models/" + pinned)).body()
                .get("pinned").asBoolean());

        List<String> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(fit("house_pricing"));
        }
        // retention 2: the pinned one does not count; the oldest of the three later ones is removed
        String pruned = later.get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(cluster.apiUrl(API + "/models/" + pruned))
                .status() == 404);
        Http.Response gone = Http.get(cluster.apiUrl(API + "/models/" + pruned));
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.body().get("type").asString()).isEqualTo("urn:ml-ensemble:problem:model-removed");
        assertThat(gone.body().get("cause").asString()).isEqualTo("retention-count");
        assertThat(gone.body().get("removedAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(gone.body().get("detail").asString()).contains("removed by retention", "pin a model");
        assertThat(Http.get(cluster.apiUrl(API + "/models/" + pinned)).status()).as("pinned survives").isEqualTo(200);
        assertThat(modelIds()).containsExactlyInAnyOrder(pinned, later.get(1), later.get(2));

        String deleted = later.get(1);
        Http.Response del = Http.delete(cluster.apiUrl(API + "/models/" + deleted));
        assertThat(del.status()).as(del.toString()).isEqualTo(200);
        assertThat(del.body().get("action").asString()).isEqualTo("deleted");
        assertThat(strings(del.body().get("learners"))).containsExactly("learner-1", "learner-2");
        assertThat(del.body().get("pending")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(cluster.apiUrl(API + "/models/" + deleted))
                .status() == 404);
        Http.Response predictDeleted = Http.post(cluster.apiUrl(API + "/predict?modelId=" + deleted),
                "{\"GrLivArea\": [1500]}");
        assertThat(predictDeleted.status()).isEqualTo(404);
        assertThat(predictDeleted.body().get("detail").asString()).contains("was deleted");
        assertThat(Http.delete(cluster.apiUrl(API + "/models/" + deleted)).status()).isEqualTo(404);

        // a second dataset with the same columns: a default would be a guess
        HousePricingGenerator.generate(cluster.dataDir.resolve("houses_b"), 11, 400, 100);
        String other = fit("houses_b");
        Http.Response ambiguous = Http.post(cluster.apiUrl(API + "/predict"), "{\"GrLivArea\": [1500]}");
        assertThat(ambiguous.status()).as(ambiguous.toString()).isEqualTo(409);
        assertThat(strings(ambiguous.body().get("candidates"))).containsExactly(other, later.get(2));
        Http.Response evaluate = Http.post(cluster.apiUrl(API + "/evaluate"), "{\"dataset\": \"house_pricing\"}");
        assertThat(evaluate.status()).as(evaluate.toString()).isEqualTo(200);
        assertThat(evaluate.body().get("modelId").asString()).isEqualTo(later.get(2));
        Http.Response chosen = Http.post(cluster.apiUrl(API + "/predict?modelId=" + other), "{\"GrLivArea\": [1500]}");
        assertThat(chosen.status()).as(chosen.toString()).isEqualTo(200);
        Http.Response unknownColumn = Http.post(cluster.apiUrl(API + "/predict"), "{\"NoSuchColumn\": [1]}");
        assertThat(unknownColumn.status()).isEqualTo(400);
        assertThat(unknownColumn.body().get("detail").asString()).contains("NoSuchColumn");

        Http.Response unpin = Http.delete(cluster.apiUrl(API + "/models/" + pinned + "/pin"));
        assertThat(unpin.status()).as(unpin.toString()).isEqualTo(200);
        assertThat(unpin.body().get("action").asString()).isEqualTo("unpinned");

        // kept as test output: the lifecycle calls and their answers
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "lifecycle-answers.txt"), String.join("\n",
                "PUT /models/" + pinned + "/pin -> " + pin,
                "GET /models/" + pruned + " -> " + gone,
                "DELETE /models/" + deleted + " -> " + del,
                "POST /predict?modelId=" + deleted + " -> " + predictDeleted,
                "POST /predict (columns of two datasets) -> " + ambiguous,
                "POST /evaluate {dataset: house_pricing} -> " + evaluate.status() + " modelId "
                        + evaluate.body().get("modelId").asString(),
                "DELETE /models/" + pinned + "/pin -> " + unpin, ""));
    }

    private static String fit(String dataset) {
        Http.Response fit = Http.post(cluster.apiUrl(API + "/fit"),
                "{\"dataset\": \"" + dataset + "\", \"target\": \"SalePrice\"}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        String id = fit.body().get("modelId").asString();
        assertThat(id).matches("m-\\d{8}-\\d{6}-[0-9a-f]{6}");
        return id;
    }

    private static List<String> modelIds() {
        List<String> out = new ArrayList<>();
        Http.get(cluster.apiUrl(API + "/models")).body().forEach(m -> out.add(m.get("modelId").asString()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
