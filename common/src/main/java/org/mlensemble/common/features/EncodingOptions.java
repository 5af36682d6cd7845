package org.mlensemble.common.features;

import java.util.Map;
import java.util.Set;

/**
 * Choices that shape the encoding of one fit.
 *
 * @param standardize       scale numeric columns and the target to mean 0, sd 1 (linear models need it)
 * @param bins              quantise numeric columns into at most this many quantile bins, 0 for none;
 *                          tree training in Tribuo is quadratic in distinct values, so trees need it
 * @param missingIndicators add a {@code col@missing} feature for every missing numeric value
 * @param logTarget         learn {@code log1p(target)}, for prices and other skewed targets
 * @param columnTypes       per-column type overrides
 * @param ignore            identifier columns, accepted but not used
 */
public record EncodingOptions(boolean standardize, int bins, boolean missingIndicators, boolean logTarget,
        Map<String, ColumnType> columnTypes, Set<String> ignore) {

    public EncodingOptions {
        columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
        ignore = ignore == null ? Set.of() : Set.copyOf(ignore);
    }
}
