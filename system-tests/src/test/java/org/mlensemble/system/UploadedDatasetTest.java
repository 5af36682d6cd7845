package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlensemble.datagen.HousePricingGenerator;
import tools.jackson.databind.JsonNode;

/**
 * A CSV uploaded through the api, carried over broker streams and stored by the in-JVM learners,
 * then fitted, evaluated and predicted on, listed and deleted. Runs after the classes that need a
 * cluster without models (surefire runs them alphabetically).
 */
class UploadedDatasetTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Cluster cluster;
    private static String csv;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = Cluster.get();
        EnsembleTest.startCluster();
        csv = generatedCsv(400, 100);
    }

    @Test
    void anUploadedCsvIsStoredPerShardThenFittedEvaluatedPredictedListedAndDeleted() throws Exception {
        Http.Response up = upload("uploaded_houses", "target=SalePrice&testFraction=0.25&seed=7",
                csv.getBytes(StandardCharsets.UTF_8), false);
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        assertThat(up.body().get("rows").asInt()).isEqualTo(500);
        assertThat(up.body().at("/test/rows").asInt()).isEqualTo(125);
        JsonNode shards = up.body().get("shards");
        assertThat(shards.size()).isEqualTo(4);
        int total = 0;
        for (int k = 0; k < 4; k++) {
            JsonNode s = shards.get(k);
            assertThat(s.get("part").asString()).isEqualTo(Cluster.SHARDS.get(k));
            assertThat(s.get("learners").size()).as(s.toString()).isGreaterThanOrEqualTo(1);
            assertThat(s.get("learners").get(0).asString()).isEqualTo(Cluster.learnerId(k));
            total += s.get("rows").asInt();
        }
        assertThat(total).isEqualTo(375);
        Path shardA = cluster.dataDir.resolve("uploaded_houses/A/data.csv");
        assertThat(shardA).exists();
        assertThat(cluster.dataDir.resolve("uploaded_houses/test/data.csv")).exists();
        assertThat(Files.readAllLines(shardA)).hasSize(shards.get(0).get("rows").asInt() + 1);

        Http.Response shown = Http.get(cluster.apiUrl("/v1/ml-distributed/datasets/uploaded_houses"));
        assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
        assertThat(shown.body().get("uploaded").asBoolean()).isTrue();
        assertThat(shown.body().get("target").asString()).isEqualTo("SalePrice");
        assertThat(shown.body().get("replicas").asInt()).isEqualTo(1);
        assertThat(shown.body().at("/test/rows").asInt()).isEqualTo(125);
        assertThat(shown.body().at("/shards/1/sha256").asString()).isEqualTo(shards.get(1).get("sha256").asString());
        JsonNode listed = Http.get(cluster.apiUrl("/v1/ml-distributed/datasets")).body();
        assertThat(names(listed)).contains("uploaded_houses", "house_pricing");

        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"),
                "{\"dataset\": \"uploaded_houses\", \"target\": \"SalePrice\", \"seed\": 3}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.body().at("/members/used").asInt()).isEqualTo(4);
        String model = fit.body().get("modelId").asString();
        Http.Response eval = Http.post(cluster.apiUrl("/v1/ml-distributed/evaluate?modelId=" + model), null);
        assertThat(eval.status()).as(eval.toString()).isEqualTo(200);
        assertThat(eval.body().get("r2").asDouble()).isGreaterThan(0.5);
        Http.Response predict = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + model),
                "{\"LotArea\": [8000], \"OverallQual\": [7], \"GrLivArea\": [1800]}");
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.body().get("Prediction").asDouble()).isBetween(10_000.0, 1_000_000.0);

        String stream = BrokerTool.of(cluster).topology().datasetStream("uploaded_houses",
                up.body().get("uploadId").asString(), "A");
        assertThat(BrokerTool.of(cluster).depth(stream)).isGreaterThanOrEqualTo(0);
        Http.Response deleted = delete("uploaded_houses");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.body().get("removedBy").size()).isEqualTo(4);
        assertThat(cluster.dataDir.resolve("uploaded_houses")).doesNotExist();
        assertThat(BrokerTool.of(cluster).depth(stream)).as("stream deleted").isEqualTo(-1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                Http.get(cluster.apiUrl("/v1/ml-distributed/datasets/uploaded_houses")).status() == 404);
        assertThat(delete("uploaded_houses").status()).isEqualTo(404);
    }

    @Test
    void aGzipUploadIsDecodedAndAShortOneIsRefusedLeavingNothing() throws Exception {
        byte[] gz = gzip(csv.getBytes(StandardCharsets.UTF_8));
        Http.Response cut = upload("cut_houses", "target=SalePrice", Arrays.copyOf(gz, gz.length / 2), true);
        assertThat(cut.status()).as(cut.toString()).isEqualTo(400);
        assertThat(cut.contentType()).startsWith("application/problem+json");
        assertThat(cut.body().get("detail").asString()).contains("ended early");
        assertThat(cluster.dataDir.resolve("cut_houses")).doesNotExist();

        String ragged = csv.replaceFirst("\n([^\n]*)\n", "\n$1,extra\n");
        Http.Response bad = upload("ragged_houses", "target=SalePrice", ragged.getBytes(StandardCharsets.UTF_8), false);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.body().get("detail").asString()).contains("line 2");
        assertThat(cluster.dataDir.resolve("ragged_houses")).doesNotExist();

        Http.Response whole = upload("gzip_houses", "target=SalePrice&shards=2", gz, true);
        assertThat(whole.status()).as(whole.toString()).isEqualTo(200);
        assertThat(whole.body().get("shards").size()).isEqualTo(2);
        assertThat(whole.body().at("/test/learners").size()).isEqualTo(4);
        assertThat(cluster.dataDir.resolve("gzip_houses/B/data.csv")).exists();
        assertThat(cluster.dataDir.resolve("gzip_houses/C")).doesNotExist();
        assertThat(delete("gzip_houses").status()).isEqualTo(200);
    }

    private static List<String> names(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(d -> d.get("name").asString())
                .toList();
    }

    /** The generator's shards and test set as one CSV with a single header. */
    static String generatedCsv(int trainRows, int testRows) throws IOException {
        Path dir = Files.createTempDirectory("ml-upload-src-");
        List<Path> files = HousePricingGenerator.generate(dir.resolve("houses"), 5, trainRows, testRows);
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            if (!f.toString().endsWith(".csv")) {
                continue;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (out.isEmpty()) {
                out.append(lines.get(0)).append('\n');
            }
            lines.subList(1, lines.size()).forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(data);
        }
        return b.toByteArray();
    }

    private static Http.Response upload(String name, String query, byte[] body, boolean gzip) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.apiUrl("/v1/ml-distributed/datasets/"
                + name + "?" + query))).timeout(Duration.ofSeconds(90)).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            b.header("Content-Encoding", "gzip");
        }
        return response(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static Http.Response delete(String name) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(cluster.apiUrl("/v1/ml-distributed/datasets/" + name)))
                .timeout(Duration.ofSeconds(60)).DELETE().build();
        return response(CLIENT.send(r, HttpResponse.BodyHandlers.ofString()));
    }

    private static Http.Response response(HttpResponse<String> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        JsonNode body = r.body().isEmpty() ? Http.JSON.nullNode() : Http.JSON.readTree(r.body());
        return new Http.Response(r.statusCode(), type, body, 0);
    }
}
