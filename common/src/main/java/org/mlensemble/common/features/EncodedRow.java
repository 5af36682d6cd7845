package org.mlensemble.common.features;

/** One row as sparse named features, ready for a Tribuo {@code Example}. */
public record EncodedRow(String[] names, double[] values) {
}
