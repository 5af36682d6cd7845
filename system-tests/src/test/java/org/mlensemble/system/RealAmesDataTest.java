package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The real Ames house-price files, when they lie beside the project (they are not ours to ship),
 * train and predict unchanged. Skipped cleanly where they are absent.
 */
class RealAmesDataTest {

    private static final Path SEED_DATA = Path.of("../../shared/seed/data/house_pricing");

    @Test
    void realAmesShardsTrainEvaluateAndPredict() throws IOException {
        assumeTrue(Files.isRegularFile(SEED_DATA.resolve("A/data.csv")), "real Ames files not present");
        Cluster cluster = Cluster.get();
        EnsembleTest.startCluster();
        Path dataset = cluster.dataDir.resolve("ames");
        split(dataset);

        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), "{\"dataset\": \"ames\"}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.body().at("/members/used").asInt()).isEqualTo(4);
        String model = fit.body().get("modelId").asString();
        EnsembleTest.awaitModelHeldBy(model, 4);

        Http.Response eval = Http.post(cluster.apiUrl("/v1/ml-distributed/evaluate"),
                "{\"modelId\": \"" + model + "\"}");
        assertThat(eval.status()).as(eval.toString()).isEqualTo(200);
        assertThat(eval.body().get("r2").asDouble()).isGreaterThan(0.7);

        String row = Files.readString(SEED_DATA.resolve("other/one_prediction_house_pricing_test.json"),
                StandardCharsets.UTF_8);
        Http.Response predict = Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + model), row);
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.body().get("Prediction").asDouble()).isBetween(50_000.0, 400_000.0);
    }

    /** The union of the four shards, shuffled, 30 % as the labelled test set, the rest in 4 shards. */
    private static void split(Path out) throws IOException {
        String header = null;
        List<String> rows = new ArrayList<>();
        for (String shard : Cluster.SHARDS) {
            List<String> lines = Files.readAllLines(SEED_DATA.resolve(shard).resolve("data.csv"));
            header = lines.get(0);
            rows.addAll(lines.subList(1, lines.size()));
        }
        Collections.shuffle(rows, new Random(42));
        int test = rows.size() * 3 / 10;
        write(out.resolve("test"), header, rows.subList(0, test));
        List<String> train = rows.subList(test, rows.size());
        int size = (train.size() + 3) / 4;
        for (int i = 0; i < 4; i++) {
            write(out.resolve(Cluster.SHARDS.get(i)), header,
                    train.subList(i * size, Math.min(train.size(), (i + 1) * size)));
        }
    }

    private static void write(Path dir, String header, List<String> rows) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        Files.write(dir.resolve("data.csv"), lines);
    }
}
