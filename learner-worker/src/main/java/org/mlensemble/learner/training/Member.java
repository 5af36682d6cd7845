package org.mlensemble.learner.training;

import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.messaging.MemberInfo;

/**
 * One trained member of an ensemble: the fitted model (Tribuo, XGBoost or solved linear weights),
 * the encoding fitted with it, and what we record about it. Immutable and safe to share between
 * threads; every kind of model predicts concurrently.
 */
public record Member(Regression model, FeatureEncoding encoding, MemberInfo info, boolean clip) {

    /**
     * Predicts rows given column-major, in the target's own units. Linear, Tribuo tree and XGBoost
     * members read the columns straight into their weights' or splits' indexes; any other model
     * encodes the rows first.
     */
    public double[] predict(Map<String, List<Object>> columns, int rows) {
        IndexedPredictor direct = linear() != null ? linear() : trees() != null ? trees() : boosted();
        if (direct == null) {
            return predictEncoded(encoding.encodeColumns(columns, rows));
        }
        return inverse(direct.predict(encoding.indexedRows(columns, rows, direct::index)));
    }

    double[] predictEncoded(List<EncodedRow> rows) {
        return inverse(model.predict(rows));
    }

    /** A linear member's weights, or null for any other model. */
    LinearWeights linear() {
        if (model instanceof SolvedLinearRegression s) {
            return s.linear();
        }
        return model instanceof TribuoRegression t ? t.linear() : null;
    }

    /** A Tribuo tree or tree ensemble flattened into arrays, or null for any other model. */
    CompiledTrees trees() {
        return model instanceof TribuoRegression t ? t.trees() : null;
    }

    /** An XGBoost member's trees as arrays, or null for any other model (or one XGBoost alone predicts). */
    CompiledBooster boosted() {
        return model instanceof BoostedRegression b ? b.compiled() : null;
    }

    /** Tribuo's own prediction path, for a member trained with Tribuo. */
    double[] predictWithTribuo(List<EncodedRow> rows) {
        return inverse(((TribuoRegression) model).predictWithTribuo(rows));
    }

    private double[] inverse(double[] encoded) {
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = encoding.targetScaling().inverse(encoded[i], clip);
        }
        return encoded;
    }
}
