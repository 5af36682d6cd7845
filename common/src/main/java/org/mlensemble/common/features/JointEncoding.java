package org.mlensemble.common.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merges the encodings fitted on several shards into the one encoding a joint training needs:
 * the workers of one XGBoost model must agree on every column (same features, same categorical
 * levels, same order), or the histograms they add up would mix different things. The merge is the
 * encoding that {@link FeatureEncoding#fit} would give on the union of the shards:
 * <ul>
 *   <li>a numeric column's mean and standard deviation are pooled from each shard's count, mean
 *       and standard deviation; missing values add up;</li>
 *   <li>a categorical column's levels are the sorted union of the shards' levels;</li>
 *   <li>a column that is entirely missing on a shard (inferred categorical there, with the one
 *       level {@code NA}) takes its type from the other shards;</li>
 *   <li>a column numeric on one shard and text on another is an error: its levels on the numeric
 *       shards are unknown, and guessing would train on a different column per worker. Naming it in
 *       {@code columnTypes} resolves it.</li>
 * </ul>
 * Only encodings without standardisation and without bins are merged: those of XGBoost, the one
 * library that trains jointly.
 */
public final class JointEncoding {

    private static final String MISSING_LEVEL = "NA";

    /** One shard's encoding and its rows with a target value. */
    public record Part(String shard, FeatureEncoding encoding, int rows) {
    }

    private JointEncoding() {
    }

    /** @throws DataException when the shards disagree on a column's type, or on the target */
    public static FeatureEncoding merge(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        FeatureEncoding first = parts.get(0).encoding();
        for (Part p : parts) {
            FeatureEncoding e = p.encoding();
            if (e.standardize() || e.numeric().stream().anyMatch(n -> n.binEdges() != null)) {
                throw new IllegalArgumentException("only unscaled, unbinned encodings merge; shard " + p.shard()
                        + " has " + e);
            }
            if (!first.target().equals(e.target()) || first.targetScaling().log() != e.targetScaling().log()) {
                throw new DataException("the shards disagree on the target");
            }
        }
        Set<String> numericNames = new LinkedHashSet<>();
        Set<String> categoricalNames = new LinkedHashSet<>();
        Set<String> ignored = new LinkedHashSet<>();
        for (Part p : parts) {
            p.encoding().numeric().forEach(n -> numericNames.add(n.name()));
            p.encoding().categorical().forEach(c -> categoricalNames.add(c.name()));
            ignored.addAll(p.encoding().ignored());
        }
        List<FeatureEncoding.NumericColumn> numeric = new ArrayList<>();
        for (String name : numericNames) {
            numeric.add(pooled(name, parts));
        }
        List<FeatureEncoding.CategoricalColumn> categorical = new ArrayList<>();
        for (String name : categoricalNames) {
            if (numericNames.contains(name)) {
                continue; // all missing where it looked categorical: pooled as numeric above
            }
            Set<String> levels = new TreeSet<>();
            for (Part p : parts) {
                categoricalOf(p.encoding(), name).ifPresent(c -> levels.addAll(c.levels()));
            }
            categorical.add(new FeatureEncoding.CategoricalColumn(name, List.copyOf(levels)));
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Part p : parts) {
            lo = Math.min(lo, p.encoding().targetScaling().min());
            hi = Math.max(hi, p.encoding().targetScaling().max());
        }
        var scaling = new FeatureEncoding.TargetScaling(first.targetScaling().log(), 0, 1, lo, hi);
        return new FeatureEncoding(first.target(), numeric, categorical, List.copyOf(ignored), false,
                first.missingIndicators(), scaling);
    }

    private static FeatureEncoding.NumericColumn pooled(String name, List<Part> parts) {
        long n = 0;
        double sum = 0;
        double sumSquares = 0;
        int missing = 0;
        Map<String, List<String>> textShards = new LinkedHashMap<>();
        for (Part p : parts) {
            var num = p.encoding().numeric().stream().filter(c -> c.name().equals(name)).findFirst();
            if (num.isPresent()) {
                var c = num.get();
                long k = p.rows() - c.missing();
                n += k;
                sum += k * c.mean();
                sumSquares += k * (c.std() * c.std() + c.mean() * c.mean());
                missing += c.missing();
                continue;
            }
            var cat = categoricalOf(p.encoding(), name);
            if (cat.isPresent()) {
                if (!cat.get().levels().equals(List.of(MISSING_LEVEL))) {
                    textShards.put(p.shard(), cat.get().levels());
                    continue;
                }
                missing += p.rows();
            }
        }
        if (!textShards.isEmpty()) {
            var e = textShards.entrySet().iterator().next();
            List<String> sample = e.getValue().subList(0, Math.min(3, e.getValue().size()));
            throw new DataException("column '" + ListedNames.one(name) + "' is numeric on some shards but has text on"
                    + " shard(s) " + textShards.keySet() + " (e.g. " + sample + "); a joint fit needs one type per"
                    + " column: name it in columnTypes");
        }
        if (n == 0) {
            return new FeatureEncoding.NumericColumn(name, 0, 0, null, missing);
        }
        double mean = sum / n;
        double var = Math.max(0, sumSquares / n - mean * mean);
        double std = Math.sqrt(var);
        // a column constant on every shard pools to a rounding error, not to information
        if (std <= 1e-12 * Math.max(1, Math.abs(mean))) {
            std = 0;
        }
        return new FeatureEncoding.NumericColumn(name, mean, std, null, missing);
    }

    private static java.util.Optional<FeatureEncoding.CategoricalColumn> categoricalOf(FeatureEncoding e,
            String name) {
        return e.categorical().stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
