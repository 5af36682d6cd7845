package org.mlensemble.learner.training;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.mlensemble.common.features.FeatureEncoding;

/**
 * A Tribuo member compiled for the column-major predict path: each feature the model uses has a
 * position, looked up by name once per predict rather than once per row, and each row is predicted
 * from the (position, value) pairs of its features.
 */
abstract class IndexedPredictor {

    /** Predicts one row from its {@code n} (position, value) pairs. */
    interface RowPredictor {
        double predict(int[] positions, double[] values, int n);
    }

    private final Map<String, Integer> position;

    IndexedPredictor(Map<String, Integer> position) {
        this.position = position;
    }

    /** Positions 0, 1, ... in the order of {@code features}. */
    static Map<String, Integer> positions(Collection<String> features) {
        Map<String, Integer> out = new HashMap<>(features.size() * 2);
        for (String f : features) {
            out.put(f, out.size());
        }
        return out;
    }

    /** The position of a feature the model uses, or -1: it never looks at it. */
    final int index(String feature) {
        Integer i = position.get(feature);
        return i == null ? -1 : i;
    }

    /** How many features have a position. */
    final int width() {
        return position.size();
    }

    /** Every row's prediction, from rows indexed by {@link #index}, in the model's scaled units. */
    double[] predict(FeatureEncoding.IndexedRows rows) {
        RowPredictor row = rowPredictor();
        int[] idx = new int[rows.width()];
        double[] val = new double[rows.width()];
        double[] out = new double[rows.rows()];
        for (int i = 0; i < out.length; i++) {
            int n = rows.row(i, idx, val);
            out[i] = row.predict(idx, val, n);
        }
        return out;
    }

    /** A predictor for the rows of one {@link #predict} call: it may keep scratch space, one thread uses it. */
    abstract RowPredictor rowPredictor();
}
