package org.mlensemble.learner.training;

import java.util.HashMap;
import java.util.Map;
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
final class LinearWeights extends IndexedPredictor {

    private final Map<String, Double> weights;
    private final double bias;
    /** The weights by position: the column-major path looks each name up once per predict. */
    private final double[] dense;

    private LinearWeights(Map<String, Double> weights, double bias) {
        super(positions(weights.keySet()));
        this.weights = weights;
        this.bias = bias;
        this.dense = new double[weights.size()];
        weights.forEach((name, w) -> dense[index(name)] = w);
    }

    /**
     * A row's dot product, from its indexed features: the same sums in the same order as
     * {@link #predict(EncodedRow)}, so the same bits, without a feature name per row.
     */
    @Override
    RowPredictor rowPredictor() {
        return (idx, val, n) -> {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += dense[idx[j]] * val[j];
            }
            return sum + bias;
        };
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

    /** Weights by feature name and an intercept, solved outside Tribuo. */
    static LinearWeights of(Map<String, Double> weights, double bias) {
        return new LinearWeights(Map.copyOf(weights), bias);
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
