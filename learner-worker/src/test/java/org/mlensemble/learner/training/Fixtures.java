package org.mlensemble.learner.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.datagen.HousePricingGenerator;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;

/** Small deterministic data and jobs for the training tests. */
final class Fixtures {

    static final String DATASET = "house";
    static final String TARGET = HousePricingGenerator.TARGET;
    static final int TRAIN_ROWS = 400;
    static final int TEST_ROWS = 100;

    private Fixtures() {
    }

    /** Writes the dataset {@value #DATASET} (shards A..D of 100 rows, test of 100) under {@code dataDir}. */
    static Path generate(Path dataDir) {
        Path dir = dataDir.resolve(DATASET);
        HousePricingGenerator.generate(dir, 42, TRAIN_ROWS, TEST_ROWS);
        return dir;
    }

    static Table shard(Path dataDir, String shard) {
        return read(dataDir.resolve(DATASET).resolve(shard).resolve("data.csv"));
    }

    static Table testSet(Path dataDir) {
        return read(dataDir.resolve(DATASET).resolve("test").resolve("data.csv"));
    }

    static FitJob job(String modelId, long createdAt, String algorithm, Map<String, Object> params, long seed,
            String sampling, boolean holdoutWeights) {
        return new FitJob(modelId, createdAt, DATASET, TARGET, algorithm, params, seed, sampling, false,
                holdoutWeights, Map.of(), List.of("Id"));
    }

    static FitJob job(String modelId, String algorithm) {
        return job(modelId, 1_000, algorithm, params(algorithm), 7, "shard", false);
    }

    /** Small settings, so that every fit takes milliseconds. */
    static Map<String, Object> params(String algorithm) {
        return switch (algorithm) {
            case "forest" -> Map.of("trees", 5, "maxDepth", 8);
            case "tree" -> Map.of("maxDepth", 6);
            case "boosted" -> Map.of("trees", 40, "maxDepth", 3, "learningRate", 0.2);
            default -> Map.of();
        };
    }

    /** The table's feature columns, column-major as in a predict job, missing cells as null. */
    static Map<String, List<Object>> columns(Table table) {
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int c = 0; c < table.header().size(); c++) {
            String name = table.header().get(c);
            if (name.equals(TARGET)) {
                continue;
            }
            List<Object> values = new ArrayList<>(table.rows().size());
            for (String[] r : table.rows()) {
                values.add(Table.isMissing(r[c]) ? null : r[c]);
            }
            columns.put(name, values);
        }
        return columns;
    }

    static double[] actuals(Table table) {
        int t = table.columnIndex(TARGET);
        return table.rows().stream().mapToDouble(r -> Double.parseDouble(r[t])).toArray();
    }

    /** For AssertJ's element assertions, which double[] lacks. */
    static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static Table read(Path file) {
        try {
            return CsvReader.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
