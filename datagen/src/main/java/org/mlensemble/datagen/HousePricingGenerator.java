package org.mlensemble.datagen;

import static org.mlensemble.datagen.HouseModel.CATEGORICAL;
import static org.mlensemble.datagen.HouseModel.COLUMNS;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.mlensemble.common.table.CsvWriter;

/**
 * Synthesises the project's default regression dataset: house sales that share the column layout of the
 * well-known Ames "House Prices" training file (the same 81 headers in the same order, the same category
 * codes, the same {@code NA} spellings), so that everything built for that layout works on it unchanged,
 * while every row is invented here and the data can be shipped with the project and regrown at any size.
 *
 * <p>The rows are not independent noise: a house is drawn as a small causal story so that a model has
 * something real to learn. The neighbourhood sets the era of construction, the zoning and a tilt in build
 * quality; the era sets foundation, materials and the kind of dwelling; quality and dwelling type set the
 * living area, which in turn sets rooms, baths and garage size. The price is then a product of effects
 * (a sum in log space): a convex effect of {@code OverallQual}, an elasticity on {@code GrLivArea}, basement
 * and garage size, a per-neighbourhood level, age softened by remodelling, kitchen and exterior grades,
 * lot size and a handful of smaller premiums and discounts, times log-normal noise. The noise is what keeps a
 * good model's R2 in the 0.8-0.9 range rather than at 1.0, as with real sales.
 *
 * <p>Cheap internal consistency is kept because code that cleans such data relies on it: the floor areas add
 * up to {@code GrLivArea}, the basement areas add up to {@code TotalBsmtSF}, a house without basement, garage,
 * pool or fireplace carries {@code NA} in the matching grade columns and zero in the matching areas, and
 * {@code GarageYrBlt} is missing when there is no garage. A few categories are deliberately very rare so that
 * some shards lack them, which is the situation a distributed learner must cope with.
 *
 * <p>Only {@link SplittableRandom#nextLong()} and {@link StrictMath} are used, so a seed gives byte-identical
 * files on every JVM and platform; the committed default dataset is checked against a fresh generation.
 * Rows are streamed to disk, so a million rows need no more memory than ten.
 */
public final class HousePricingGenerator {

    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_TRAIN_ROWS = 2000;
    public static final int DEFAULT_TEST_ROWS = 600;
    public static final String DEFAULT_OUT = "data/house_pricing";

    /** Training shard folder names; the rows are cut into these in order. */
    public static final List<String> SHARDS = List.of("A", "B", "C", "D");

    public static final String DATA_FILE = "data.csv";
    public static final String TEST_DIR = "test";
    public static final String OTHER_DIR = "other";
    public static final String PREDICT_FILE = "one_prediction_house_pricing_test.json";
    public static final String TARGET = "SalePrice";

    private static final String NA = "NA";

    private HousePricingGenerator() {
    }

    /** The 81 header names, in file order. */
    public static List<String> columns() {
        return List.of(COLUMNS);
    }

    /** The columns written as text codes (everything else is a number or {@code NA}). */
    public static Set<String> categoricalColumns() {
        return CATEGORICAL;
    }

    /**
     * Writes the training shards {@code A..D/data.csv}, the labelled {@code test/data.csv} and one unlabelled
     * predict example under {@code other/}. Ids run from 1 across training, test and the predict row.
     *
     * @return the files written, in the order they were written
     */
    public static List<Path> generate(Path datasetDir, long seed, int trainRows, int testRows) {
        if (trainRows < 0 || testRows < 0) {
            throw new IllegalArgumentException("row counts must not be negative: train=" + trainRows
                + ", test=" + testRows);
        }
        HouseModel.Sampler sampler = new HouseModel.Sampler(new SplittableRandom(seed));
        List<Path> written = new ArrayList<>();
        int nextId = 1;
        try {
            for (int s = 0; s < SHARDS.size(); s++) {
                // Contiguous cuts whose sizes differ by at most one row.
                long from = (long) trainRows * s / SHARDS.size();
                long to = (long) trainRows * (s + 1) / SHARDS.size();
                Path file = datasetDir.resolve(SHARDS.get(s)).resolve(DATA_FILE);
                nextId = writeCsv(file, sampler, nextId, (int) (to - from));
                written.add(file);
            }
            Path test = datasetDir.resolve(TEST_DIR).resolve(DATA_FILE);
            nextId = writeCsv(test, sampler, nextId, testRows);
            written.add(test);

            Path predict = datasetDir.resolve(OTHER_DIR).resolve(PREDICT_FILE);
            Files.createDirectories(predict.getParent());
            PredictExample.write(predict, sampler.house(nextId));
            written.add(predict);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write dataset under " + datasetDir, e);
        }
        return written;
    }

    private static int writeCsv(Path file, HouseModel.Sampler sampler, int firstId, int rows) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder line = new StringBuilder(1024);
        String[] cells = new String[COLUMNS.length];
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            // CsvWriter ends every record with '\n', never the platform separator: files must be byte-identical.
            out.write(CsvWriter.line(COLUMNS));
            for (int r = 0; r < rows; r++) {
                Object[] row = sampler.house(firstId + r);
                for (int i = 0; i < row.length; i++) {
                    cells[i] = row[i] == null ? NA : row[i].toString();
                }
                line.setLength(0);
                CsvWriter.appendLine(line, cells);
                out.write(line.toString());
            }
        }
        return firstId + rows;
    }
}
