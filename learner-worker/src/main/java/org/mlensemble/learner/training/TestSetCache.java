package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;

/**
 * Labelled test sets, parsed once and kept while the file is unchanged: every evaluate of every
 * model reads the same file. {@link #parse} is also what the benchmark's in-process fits score on.
 */
public final class TestSetCache {

    /** A test set: its columns as a predict job would carry them, and the labels. */
    public record TestSet(Map<String, List<Object>> columns, double[] actuals) {
    }

    private record Entry(FileTime modified, String target, TestSet set) {
    }

    private final Map<Path, Entry> cache = new LinkedHashMap<>();

    synchronized TestSet get(Path file, String target) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException("the dataset has no labelled test set (test/data.csv)");
        }
        FileTime modified = Files.getLastModifiedTime(file);
        Entry e = cache.get(file);
        if (e != null && e.modified().equals(modified) && e.target().equals(target)) {
            return e.set();
        }
        TestSet set = parse(CsvReader.read(file), target);
        if (cache.size() >= 4) {
            cache.remove(cache.keySet().iterator().next());
        }
        cache.put(file, new Entry(modified, target, set));
        return set;
    }

    /** The rows of {@code table} with a {@code target} value, as a predict job's columns, and those values. */
    public static TestSet parse(Table table, String target) {
        int t = table.columnIndex(target);
        if (t < 0) {
            throw new DataException("the test set has no target column '" + target + "'");
        }
        List<String[]> rows = table.rows().stream().filter(r -> !Table.isMissing(r[t])).toList();
        if (rows.isEmpty()) {
            throw new DataException("the test set has no labelled rows");
        }
        double[] actuals = new double[rows.size()];
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int c = 0; c < table.header().size(); c++) {
            if (c == t) {
                continue;
            }
            List<Object> values = new ArrayList<>(rows.size());
            for (String[] r : rows) {
                values.add(Table.isMissing(r[c]) ? null : r[c]);
            }
            columns.put(table.header().get(c), values);
        }
        for (int i = 0; i < rows.size(); i++) {
            try {
                actuals[i] = Double.parseDouble(rows.get(i)[t]);
            } catch (NumberFormatException e) {
                throw new DataException("the test set's target '" + target + "' is not numeric: " + rows.get(i)[t]);
            }
        }
        return new TestSet(columns, actuals);
    }
}
