package org.mlensemble.common.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import org.mlensemble.common.table.Columns;
import org.mlensemble.common.table.Table;

/**
 * The feature encoding of one member, fitted on the learner's own shard and stored with the
 * member, so that prediction applies exactly what training did.
 * <ul>
 *   <li>numeric columns: missing values imputed with the shard mean; standardised for linear
 *       models; quantile-binned for trees; optionally a missing-indicator;</li>
 *   <li>categorical columns: one-hot, missing as its own level {@code NA}; a level never seen in the
 *       shard simply has no weight;</li>
 *   <li>a constant bias feature, so that a row of unknowns still has one known feature.</li>
 * </ul>
 */
public record FeatureEncoding(
        String target,
        List<NumericColumn> numeric,
        List<CategoricalColumn> categorical,
        List<String> ignored,
        boolean standardize,
        boolean missingIndicators,
        TargetScaling targetScaling) {

    public static final String BIAS = "__bias__";
    private static final String MISSING_LEVEL = "NA";

    /** A numeric column's statistics on the shard; {@code binEdges} is null unless binned. */
    public record NumericColumn(String name, double mean, double std, double[] binEdges, int missing) {
    }

    /** A categorical column's levels seen on the shard. */
    public record CategoricalColumn(String name, List<String> levels) {
    }

    /**
     * How the target is transformed for training and back for prediction.
     *
     * @param min smallest raw target on the shard, used to clip predictions
     * @param max largest raw target on the shard
     */
    public record TargetScaling(boolean log, double mean, double std, double min, double max) {

        double forward(double y) {
            double t = log ? Math.log1p(y) : y;
            return (t - mean) / std;
        }

        /** Back to the target's own units, clipped to the range seen in training when asked. */
        public double inverse(double z, boolean clip) {
            double t = z * std + mean;
            double y = log ? Math.expm1(t) : t;
            return clip ? Math.max(min, Math.min(max, y)) : y;
        }
    }

    /** A shard encoded for training: features per row and the transformed target. */
    public record EncodedTable(List<EncodedRow> rows, double[] target, double[] rawTarget, int droppedRows) {
    }

    /** Fits the encoding on a shard. Throws {@link DataException} when the shard cannot be used. */
    public static FeatureEncoding fit(Table table, String target, EncodingOptions options) {
        int t = table.columnIndex(target);
        if (t < 0) {
            throw new DataException("unknown target '" + ListedNames.one(target) + "'; the columns are "
                    + ListedNames.list(table.header()));
        }
        for (String c : options.columnTypes().keySet()) {
            if (table.columnIndex(c) < 0) {
                throw new DataException("columnTypes names the unknown column '" + ListedNames.one(c) + "'");
            }
        }
        List<String[]> rows = labelledRows(table, t, target);
        if (rows.isEmpty()) {
            throw new DataException("the shard has no rows with a value for target '" + target + "'");
        }
        double[] y = new double[rows.size()];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < y.length; i++) {
            y[i] = Double.parseDouble(rows.get(i)[t]);
            lo = Math.min(lo, y[i]);
            hi = Math.max(hi, y[i]);
        }
        if (options.logTarget() && lo <= -1) {
            throw new DataException("logTarget needs target values above -1; '" + target + "' has " + lo);
        }
        TargetScaling scaling = targetScaling(y, options, lo, hi);

        List<NumericColumn> numeric = new ArrayList<>();
        List<CategoricalColumn> categorical = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (int c = 0; c < table.header().size(); c++) {
            String name = table.header().get(c);
            if (c == t) {
                continue;
            }
            if (options.ignore().contains(name)) {
                ignored.add(name);
                continue;
            }
            ColumnType type = options.columnTypes().getOrDefault(name, inferType(rows, c));
            if (type == ColumnType.NUMERIC) {
                numeric.add(numericColumn(rows, c, name, options.bins()));
            } else {
                Set<String> levels = new TreeSet<>();
                for (String[] r : rows) {
                    levels.add(Table.isMissing(r[c]) ? MISSING_LEVEL : r[c]);
                }
                categorical.add(new CategoricalColumn(name, List.copyOf(levels)));
            }
        }
        return new FeatureEncoding(target, numeric, categorical, ignored, options.standardize(),
                options.missingIndicators(), scaling);
    }

    /** Encodes the shard the encoding was fitted on (or any table with its columns). */
    public EncodedTable encodeTable(Table table) {
        int t = table.columnIndex(target);
        List<String[]> rows = labelledRows(table, t, target);
        Map<String, Integer> index = table.indexByName();
        int[] numericIndex = numeric.stream().mapToInt(n -> index.getOrDefault(n.name(), -1)).toArray();
        int[] categoricalIndex = categorical.stream().mapToInt(n -> index.getOrDefault(n.name(), -1)).toArray();
        List<EncodedRow> out = new ArrayList<>(rows.size());
        double[] yt = new double[rows.size()];
        double[] raw = new double[rows.size()];
        Object[] cells = new Object[numeric.size() + categorical.size()];
        FeatureNames featureNames = new FeatureNames();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            for (int k = 0; k < numericIndex.length; k++) {
                cells[k] = numericIndex[k] < 0 || Table.isMissing(r[numericIndex[k]]) ? null
                        : parseNumber(numeric.get(k).name(), r[numericIndex[k]]);
            }
            for (int k = 0; k < categoricalIndex.length; k++) {
                cells[numericIndex.length + k] = categoricalIndex[k] < 0 ? null : r[categoricalIndex[k]];
            }
            out.add(encodeCells(cells, featureNames));
            raw[i] = Double.parseDouble(r[t]);
            yt[i] = targetScaling.forward(raw[i]);
        }
        return new EncodedTable(out, yt, raw, table.rows().size() - rows.size());
    }

    /**
     * Encodes rows given column-major, as in a predict request. Missing columns and {@code null}
     * values are missing values. The target and ignored columns are accepted and not used.
     *
     * @throws DataException for an unknown column, a value of the wrong type or a non-finite number
     */
    public List<EncodedRow> encodeColumns(Map<String, List<Object>> columns, int rowCount) {
        List<Map.Entry<Integer, List<Object>>> used = usedColumns(columns);
        List<EncodedRow> out = new ArrayList<>(rowCount);
        Object[] cells = new Object[numeric.size() + categorical.size()];
        FeatureNames featureNames = new FeatureNames();
        for (int i = 0; i < rowCount; i++) {
            Arrays.fill(cells, null);
            for (Map.Entry<Integer, List<Object>> e : used) {
                int s = e.getKey();
                Object v = e.getValue().get(i);
                cells[s] = s < numeric.size() ? numericValue(numeric.get(s).name(), v) : categoricalValue(v);
            }
            out.add(encodeCells(cells, featureNames));
        }
        return out;
    }

    /**
     * The rows of a predict as (feature index, value) pairs in the caller's own index space, read
     * column by column without a feature name per row: what a model that looks its features up by
     * index (a linear member's weights, a compiled tree) predicts from. Each row has the features
     * {@link #encodeColumns} gives it, in the same order, with the same checks; a feature the index
     * does not know ({@code -1}) is left out, as Tribuo leaves out features its model never saw.
     *
     * @param index the caller's index of a feature name, or -1
     * @throws DataException as {@link #encodeColumns} does
     */
    public IndexedRows indexedRows(Map<String, List<Object>> columns, int rowCount, ToIntFunction<String> index) {
        return new IndexedRows(usedColumns(columns), rowCount, index);
    }

    /** See {@link #indexedRows}. Not thread-safe: one per predict. */
    public final class IndexedRows {
        private final List<?>[] bySlot;
        private final int rows;
        private final int[] featureIndex;
        private final int[] missingIndex;
        private final List<Map<String, Integer>> levelIndex = new ArrayList<>();
        private final ToIntFunction<String> index;
        private final int biasIndex;
        /** Per slot of a dictionary-coded column: its codes' numbers (numeric) or feature indexes (categorical). */
        private final Double[][] parsedCodes;
        private final int[][] codeFeature;
        private static final int UNSEEN = Integer.MIN_VALUE;

        private IndexedRows(List<Map.Entry<Integer, List<Object>>> used, int rows, ToIntFunction<String> index) {
            this.rows = rows;
            this.index = index;
            this.bySlot = new List<?>[numeric.size() + categorical.size()];
            for (Map.Entry<Integer, List<Object>> e : used) {
                if (e.getValue().size() < rows) {
                    throw new DataException("a column has " + e.getValue().size() + " values for " + rows + " rows");
                }
                bySlot[e.getKey()] = e.getValue();
            }
            featureIndex = new int[numeric.size()];
            missingIndex = new int[numeric.size()];
            for (int k = 0; k < numeric.size(); k++) {
                featureIndex[k] = index.applyAsInt(numeric.get(k).name());
                missingIndex[k] = missingIndicators && numeric.get(k).missing() > 0
                        ? index.applyAsInt(numeric.get(k).name() + "@missing") : -1;
            }
            for (int k = 0; k < categorical.size(); k++) {
                levelIndex.add(new HashMap<>());
            }
            biasIndex = index.applyAsInt(BIAS);
            parsedCodes = new Double[bySlot.length][];
            codeFeature = new int[bySlot.length][];
            for (int s = 0; s < bySlot.length; s++) {
                if (bySlot[s] instanceof Columns.Coded c) {
                    if (s < numeric.size()) {
                        // every code parsed once, with the checks of a cell: a bad one fails the predict
                        String[] dict = c.dictionary();
                        parsedCodes[s] = new Double[dict.length];
                        for (int d = 0; d < dict.length; d++) {
                            parsedCodes[s][d] = numericValue(numeric.get(s).name(), dict[d]);
                        }
                    } else {
                        codeFeature[s] = new int[c.dictionary().length + 1];
                        Arrays.fill(codeFeature[s], UNSEEN);
                    }
                }
            }
        }

        private int levelFeature(int k, String level) {
            Integer li = levelIndex.get(k).get(level);
            if (li == null) {
                li = index.applyAsInt(categorical.get(k).name() + "=" + level);
                levelIndex.get(k).put(level, li);
            }
            return li;
        }

        public int rows() {
            return rows;
        }

        /** The most features a row can have: the size of the arrays {@link #row} fills. */
        public int width() {
            return 2 * numeric.size() + categorical.size() + 1;
        }

        /** Fills row {@code i}'s features into {@code idx} and {@code val}; returns how many. */
        public int row(int i, int[] idx, double[] val) {
            int n = 0;
            for (int k = 0; k < numeric.size(); k++) {
                NumericColumn col = numeric.get(k);
                if (col.std() <= 0) {
                    continue;
                }
                List<?> values = bySlot[k];
                boolean missing;
                double x;
                if (values instanceof Columns.Doubles d) {
                    missing = d.missing(i);
                    x = missing ? col.mean() : d.value(i);
                } else if (values instanceof Columns.Coded c) {
                    Double v = c.code(i) < 0 ? null : parsedCodes[k][c.code(i)];
                    missing = v == null;
                    x = missing ? col.mean() : v;
                } else {
                    Double v = values == null ? null : numericValue(col.name(), values.get(i));
                    missing = v == null;
                    x = missing ? col.mean() : v;
                }
                if (col.binEdges() != null) {
                    x = bin(col.binEdges(), x);
                } else if (standardize) {
                    x = (x - col.mean()) / col.std();
                }
                if (featureIndex[k] >= 0) {
                    idx[n] = featureIndex[k];
                    val[n++] = x;
                }
                if (missing && missingIndex[k] >= 0) {
                    idx[n] = missingIndex[k];
                    val[n++] = 1;
                }
            }
            int base = numeric.size();
            for (int k = 0; k < categorical.size(); k++) {
                List<?> values = bySlot[base + k];
                int li;
                if (values instanceof Columns.Coded c) {
                    int[] byCode = codeFeature[base + k];
                    int code = c.code(i);
                    li = byCode[code + 1];
                    if (li == UNSEEN) {
                        String v = code < 0 ? null : c.dictionary()[code];
                        li = levelFeature(k, v == null || Table.isMissing(v) ? MISSING_LEVEL : v);
                        byCode[code + 1] = li;
                    }
                } else {
                    String v = values == null ? null : categoricalValue(values.get(i));
                    li = levelFeature(k, v == null || Table.isMissing(v) ? MISSING_LEVEL : v);
                }
                if (li >= 0) {
                    idx[n] = li;
                    val[n++] = 1;
                }
            }
            if (biasIndex >= 0) {
                idx[n] = biasIndex;
                val[n++] = 1;
            }
            return n;
        }
    }

    /** The columns of a predict that the encoding uses, by slot; unknown columns are refused. */
    private List<Map.Entry<Integer, List<Object>>> usedColumns(Map<String, List<Object>> columns) {
        Map<String, Integer> slot = new HashMap<>();
        for (int k = 0; k < numeric.size(); k++) {
            slot.put(numeric.get(k).name(), k);
        }
        for (int k = 0; k < categorical.size(); k++) {
            slot.put(categorical.get(k).name(), numeric.size() + k);
        }
        Set<String> accepted = new HashSet<>(ignored);
        accepted.add(target);
        List<String> unknown = new ArrayList<>();
        List<Map.Entry<Integer, List<Object>>> used = new ArrayList<>();
        for (Map.Entry<String, List<Object>> e : columns.entrySet()) {
            Integer s = slot.get(e.getKey());
            if (s != null) {
                used.add(Map.entry(s, e.getValue()));
            } else if (!accepted.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw new DataException("unknown column(s) " + ListedNames.list(unknown) + "; this model was trained on "
                    + (numeric.size() + categorical.size()) + " feature columns: " + ListedNames.list(featureColumns()));
        }
        return used;
    }

    /** The feature columns in encoding order. */
    public List<String> featureColumns() {
        List<String> names = new ArrayList<>();
        numeric.forEach(n -> names.add(n.name()));
        categorical.forEach(c -> names.add(c.name()));
        return names;
    }

    /** The number of distinct features the encoding can produce. */
    public int featureCount() {
        int n = 1 + categorical.stream().mapToInt(c -> c.levels().size()).sum();
        for (NumericColumn c : numeric) {
            n += c.std() > 0 ? 1 + (missingIndicators && c.missing() > 0 ? 1 : 0) : 0;
        }
        return n;
    }

    /**
     * Every feature the encoding can produce, in a stable order: numeric columns (each followed by
     * its missing indicator when it has one), then categorical levels, then the bias. A dense
     * matrix indexed by this list holds what {@link EncodedRow} holds sparse; the size equals
     * {@link #featureCount()}.
     */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>(featureCount());
        for (NumericColumn c : numeric) {
            if (c.std() <= 0) {
                continue;
            }
            names.add(c.name());
            if (missingIndicators && c.missing() > 0) {
                names.add(c.name() + "@missing");
            }
        }
        for (CategoricalColumn c : categorical) {
            for (String level : c.levels()) {
                names.add(c.name() + "=" + level);
            }
        }
        names.add(BIAS);
        return names;
    }

    /** cells: numeric slots hold Double or null, categorical slots hold String or null. */
    private EncodedRow encodeCells(Object[] cells, FeatureNames featureNames) {
        String[] names = new String[cells.length + numeric.size() + 1];
        double[] values = new double[names.length];
        int n = 0;
        for (int k = 0; k < numeric.size(); k++) {
            NumericColumn col = numeric.get(k);
            if (col.std() <= 0) {
                continue; // constant on the shard: carries no information
            }
            Double v = (Double) cells[k];
            double x = v == null ? col.mean() : v;
            if (col.binEdges() != null) {
                x = bin(col.binEdges(), x);
            } else if (standardize) {
                x = (x - col.mean()) / col.std();
            }
            names[n] = col.name();
            values[n++] = x;
            if (v == null && missingIndicators && col.missing() > 0) {
                names[n] = featureNames.missing(k);
                values[n++] = 1;
            }
        }
        for (int k = 0; k < categorical.size(); k++) {
            Object v = cells[numeric.size() + k];
            String level = v == null || Table.isMissing((String) v) ? MISSING_LEVEL : (String) v;
            names[n] = featureNames.level(k, level);
            values[n++] = 1;
        }
        names[n] = BIAS;
        values[n++] = 1;
        return new EncodedRow(Arrays.copyOf(names, n), Arrays.copyOf(values, n));
    }

    /**
     * The feature names of one encoding pass, made once per (column, level) and shared by every row
     * that has them: a large shard would otherwise hold one new String per categorical cell. Built
     * per pass, so that the encoding stays an immutable value shared by concurrent predictions, and
     * a level never seen in training is named as always and forgotten with the pass.
     */
    private final class FeatureNames {
        private final String[] missing = new String[numeric.size()];
        private final List<Map<String, String>> levels = new ArrayList<>(categorical.size());

        FeatureNames() {
            for (int k = 0; k < categorical.size(); k++) {
                levels.add(new HashMap<>());
            }
        }

        String missing(int k) {
            if (missing[k] == null) {
                missing[k] = numeric.get(k).name() + "@missing";
            }
            return missing[k];
        }

        String level(int k, String level) {
            Map<String, String> names = levels.get(k);
            String name = names.get(level);
            if (name == null) {
                name = categorical.get(k).name() + "=" + level;
                names.put(level, name);
            }
            return name;
        }
    }

    private static double bin(double[] edges, double x) {
        int i = Arrays.binarySearch(edges, x);
        return i >= 0 ? i + 1 : -(i + 1);
    }

    private static Double numericValue(String column, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number num) {
            double d = num.doubleValue();
            if (!Double.isFinite(d)) {
                throw new DataException("column '" + column + "' has a non-finite number: " + v);
            }
            return d;
        }
        if (v instanceof String s) {
            return Table.isMissing(s) ? null : parseNumber(column, s);
        }
        throw new DataException("column '" + column + "' expects a number, got " + v);
    }

    private static String categoricalValue(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number num) {
            double d = num.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        throw new DataException("a categorical value must be a string, number or null, got " + v);
    }

    private static Double parseNumber(String column, String text) {
        try {
            double d = Double.parseDouble(text.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new DataException("column '" + column + "' expects a number, got '" + text + "'");
    }

    private static List<String[]> labelledRows(Table table, int t, String target) {
        List<String[]> rows = new ArrayList<>(table.rows().size());
        int line = 1;
        for (String[] r : table.rows()) {
            line++;
            if (Table.isMissing(r[t])) {
                continue;
            }
            try {
                if (!Double.isFinite(Double.parseDouble(r[t].trim()))) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new DataException("target '" + target + "' must be numeric, but row " + line + " has '" + r[t]
                        + "'");
            }
            rows.add(r);
        }
        return rows;
    }

    /**
     * A column is numeric when it has values and every one of them parses. A column that is
     * entirely missing in the shard is categorical: it holds no evidence of being numeric.
     */
    static ColumnType inferType(List<String[]> rows, int c) {
        boolean any = false;
        for (String[] r : rows) {
            String v = r[c];
            if (Table.isMissing(v)) {
                continue;
            }
            any = true;
            if (!looksNumeric(v)) {
                return ColumnType.CATEGORICAL;
            }
        }
        return any ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
    }

    private static boolean looksNumeric(String v) {
        String s = v.trim();
        if (s.isEmpty()) {
            return false;
        }
        char first = s.charAt(0);
        if (!(Character.isDigit(first) || first == '-' || first == '+' || first == '.')) {
            return false; // excludes "NaN", "Infinity" and friends
        }
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static NumericColumn numericColumn(List<String[]> rows, int c, String name, int maxBins) {
        double[] values = new double[rows.size()];
        int n = 0;
        for (String[] r : rows) {
            if (!Table.isMissing(r[c])) {
                values[n++] = parseNumber(name, r[c]);
            }
        }
        int missing = rows.size() - n;
        if (n == 0) {
            return new NumericColumn(name, 0, 0, null, missing);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += values[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (values[i] - mean) * (values[i] - mean);
        }
        double std = Math.sqrt(var / n);
        double[] edges = maxBins > 0 && std > 0 ? quantileEdges(Arrays.copyOf(values, n), maxBins) : null;
        return new NumericColumn(name, mean, std, edges, missing);
    }

    /** Cut points between at most {@code maxBins} quantile bins; distinct values when there are few. */
    static double[] quantileEdges(double[] values, int maxBins) {
        Arrays.sort(values);
        double[] distinct = Arrays.stream(values).distinct().toArray();
        double[] cuts;
        if (distinct.length <= maxBins) {
            cuts = new double[distinct.length - 1];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = (distinct[i] + distinct[i + 1]) / 2;
            }
            return cuts;
        }
        TreeSet<Double> set = new TreeSet<>();
        for (int b = 1; b < maxBins; b++) {
            int idx = (int) Math.floor((double) b * values.length / maxBins);
            double lo = values[Math.max(0, idx - 1)];
            double hi = values[idx];
            set.add(lo == hi ? lo : (lo + hi) / 2);
        }
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static TargetScaling targetScaling(double[] y, EncodingOptions options, double lo, double hi) {
        if (!options.standardize()) {
            return new TargetScaling(options.logTarget(), 0, 1, lo, hi);
        }
        double mean = 0;
        for (double v : y) {
            mean += options.logTarget() ? Math.log1p(v) : v;
        }
        mean /= y.length;
        double var = 0;
        for (double v : y) {
            double t = (options.logTarget() ? Math.log1p(v) : v) - mean;
            var += t * t;
        }
        double std = Math.sqrt(var / y.length);
        return new TargetScaling(options.logTarget(), mean, std > 0 ? std : 1, lo, hi);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FeatureEncoding[target=%s, numeric=%d, categorical=%d, features=%d]",
                target, numeric.size(), categorical.size(), featureCount());
    }
}
