package org.mlensemble.learner.training;

import java.util.HashMap;
import java.util.Map;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.features.EncodedRow;
import org.tribuo.Model;
import org.tribuo.VariableInfo;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDModel;

/**
 * A linear member's weights by feature name, read once from the Tribuo model. Predicting a row is
 * then a dot product over its encoded features: Tribuo's own path builds an example per row,
 * sorts its features by name and looks each one up, which cost more than the arithmetic.
 * Features the model never saw weigh nothing, as in Tribuo.
 */
final class LinearWeights {

    private final Map<String, Double> weights;
    private final double bias;
    /** Feature name -> position in {@link #dense}: the column-major path looks each name up once per predict. */
    private final Map<String, Integer> position;
    private final double[] dense;

    private LinearWeights(Map<String, Double> weights, double bias) {
        this.weights = weights;
        this.bias = bias;
        this.position = new HashMap<>(weights.size() * 2);
        this.dense = new double[weights.size()];
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            dense[position.size()] = e.getValue();
            position.put(e.getKey(), position.size());
        }
    }

    /** The position of a feature's weight, or -1 for a feature the model never saw. */
    int index(String feature) {
        Integer i = position.get(feature);
        return i == null ? -1 : i;
    }

    /**
     * Every row's dot product, from rows indexed by {@link #index}: the same sums in the same order
     * as {@link #predict(EncodedRow)}, so the same bits, without a feature name per row.
     */
    double[] predict(FeatureEncoding.IndexedRows rows) {
        int[] idx = new int[rows.width()];
        double[] val = new double[rows.width()];
        double[] out = new double[rows.rows()];
        for (int i = 0; i < out.length; i++) {
            int n = rows.row(i, idx, val);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += dense[idx[j]] * val[j];
            }
            out[i] = sum + bias;
        }
        return out;
    }

    /** The weights of a linear model with one output, or null for any other model. */
    static LinearWeights of(Model<Regressor> model) {
        if (!(model instanceof LinearSGDModel linear)) {
            return null;
        }
        DenseMatrix w = linear.getWeightsCopy();
        var features = linear.getFeatureIDMap();
        if (w.getDimension1Size() != 1 || w.getDimension2Size() != features.size() + 1) {
            return null;
        }
        Map<String, Double> byName = new HashMap<>(features.size() * 2);
        for (VariableInfo v : features) {
            byName.put(v.getName(), w.get(0, features.getID(v.getName())));
        }
        // Tribuo keeps the intercept as the last column
        return new LinearWeights(byName, w.get(0, features.size()));
    }

    double predict(EncodedRow row) {
        String[] names = row.names();
        double[] values = row.values();
        double sum = 0;
        for (int i = 0; i < names.length; i++) {
            Double weight = weights.get(names[i]);
            if (weight != null) {
                sum += weight * values[i];
            }
        }
        return sum + bias;
    }
}
