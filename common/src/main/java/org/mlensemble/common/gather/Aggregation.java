package org.mlensemble.common.gather;

import java.util.List;

/**
 * Combines member predictions into the ensemble's. Regression ensembles average; the weighted
 * variant gives each member a weight, typically the inverse of its held-out error.
 */
public final class Aggregation {

    private Aggregation() {
    }

    /** Row-wise mean of the members' predictions. */
    public static double[] mean(List<double[]> members) {
        return weightedMean(members, null);
    }

    /**
     * Row-wise weighted mean. With {@code weights == null} every member counts the same. Weights
     * must be finite and non-negative with a positive sum.
     */
    public static double[] weightedMean(List<double[]> members, double[] weights) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no member predictions to aggregate");
        }
        int rows = members.get(0).length;
        double total = 0;
        for (int m = 0; m < members.size(); m++) {
            if (members.get(m).length != rows) {
                throw new IllegalArgumentException("members disagree on the number of rows");
            }
            double w = weights == null ? 1 : weights[m];
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("weight must be finite and non-negative: " + w);
            }
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("weights sum to zero");
        }
        double[] out = new double[rows];
        for (int m = 0; m < members.size(); m++) {
            double w = (weights == null ? 1 : weights[m]) / total;
            double[] p = members.get(m);
            for (int r = 0; r < rows; r++) {
                out[r] += w * p[r];
            }
        }
        return out;
    }

    /**
     * The members' predictions combined: the plain mean, or, given each member's held-out RMSE in
     * the same order ({@code NaN} where unknown), the mean weighted by {@link #inverseErrorWeights}.
     *
     * @param holdoutRmse null for the plain mean
     */
    public static double[] combine(List<double[]> members, double[] holdoutRmse) {
        return holdoutRmse == null ? mean(members) : weightedMean(members, inverseErrorWeights(holdoutRmse));
    }

    /** Weights from held-out errors: 1 / rmse², so that a member twice as wrong counts a quarter. */
    public static double[] inverseErrorWeights(double[] holdoutRmse) {
        double[] w = new double[holdoutRmse.length];
        for (int i = 0; i < w.length; i++) {
            double e = holdoutRmse[i];
            w[i] = Double.isFinite(e) && e > 0 ? 1 / (e * e) : Double.NaN;
        }
        for (double x : w) {
            if (Double.isNaN(x)) {
                // one member without a usable error: fall back to equal weights rather than guess
                java.util.Arrays.fill(w, 1);
                return w;
            }
        }
        return w;
    }
}
