package org.mlensemble.learner.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mlensemble.common.table.Table;

/**
 * The generated house-pricing dataset of {@link Fixtures}, for a test class that registers it
 * ({@code @RegisterExtension static final HouseData data = new HouseData();}): written before the
 * class into a folder of its own and deleted after it; shard A and the test set are read on first
 * use.
 */
final class HouseData implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private Table shardA;
    private Table test;
    private Map<String, List<Object>> testColumns;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("house-data");
        Fixtures.generate(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The data folder: {@code <dir>/<dataset>/<shard>/data.csv}, as a learner's data directory. */
    Path dir() {
        return dir;
    }

    Table shardA() {
        if (shardA == null) {
            shardA = Fixtures.shard(dir, "A");
        }
        return shardA;
    }

    Table test() {
        if (test == null) {
            test = Fixtures.testSet(dir);
        }
        return test;
    }

    /** The test set's feature columns, column-major as a predict carries them. */
    Map<String, List<Object>> testColumns() {
        if (testColumns == null) {
            testColumns = Fixtures.columns(test());
        }
        return testColumns;
    }
}
