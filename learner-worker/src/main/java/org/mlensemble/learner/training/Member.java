package org.mlensemble.learner.training;

import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.messaging.MemberInfo;

/**
 * One trained member of an ensemble: the fitted model (Tribuo or XGBoost), the encoding fitted
 * with it, and what we record about it. Immutable and safe to share between threads; both kinds of
 * model predict concurrently.
 */
public record Member(Regression model, FeatureEncoding encoding, MemberInfo info, boolean clip) {

    /** Predicts rows given column-major, in the target's own units. */
    public double[] predict(Map<String, List<Object>> columns, int rows) {
        return predictEncoded(encoding.encodeColumns(columns, rows));
    }

    double[] predictEncoded(List<EncodedRow> rows) {
        double[] out = model.predict(rows);
        for (int i = 0; i < out.length; i++) {
            out[i] = encoding.targetScaling().inverse(out[i], clip);
        }
        return out;
    }

    /** A linear member's weights, or null for any other model. */
    LinearWeights linear() {
        return model instanceof TribuoRegression t ? t.linear() : null;
    }

    /** Tribuo's own prediction path, for a member trained with Tribuo. */
    double[] predictWithTribuo(List<EncodedRow> rows) {
        double[] out = ((TribuoRegression) model).predictWithTribuo(rows);
        for (int i = 0; i < out.length; i++) {
            out[i] = encoding.targetScaling().inverse(out[i], clip);
        }
        return out;
    }
}
