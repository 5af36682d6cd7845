package org.mlensemble.learner.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.messaging.MemberInfo;
import org.tribuo.Model;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/**
 * One trained member of an ensemble: the Tribuo model, the encoding fitted with it, and what we
 * record about it. Immutable and safe to share between threads; Tribuo models predict
 * concurrently.
 */
public record Member(Model<Regressor> model, FeatureEncoding encoding, MemberInfo info, boolean clip,
        LinearWeights linear, CompiledTrees trees) {

    public Member(Model<Regressor> model, FeatureEncoding encoding, MemberInfo info, boolean clip) {
        this(model, encoding, info, clip, LinearWeights.of(model));
    }

    public Member(Model<Regressor> model, FeatureEncoding encoding, MemberInfo info, boolean clip,
            LinearWeights linear) {
        this(model, encoding, info, clip, linear, linear == null ? CompiledTrees.of(model) : null);
    }

    /**
     * Predicts rows given column-major, in the target's own units. Linear and tree members read
     * the columns straight into their weights' or splits' indexes; other models go through
     * Tribuo with an example per row.
     */
    public double[] predict(Map<String, List<Object>> columns, int rows) {
        double[] scaled;
        if (linear != null) {
            scaled = linear.predict(encoding.indexedRows(columns, rows, linear::index));
        } else if (trees != null) {
            scaled = trees.predict(encoding.indexedRows(columns, rows, trees::index));
        } else {
            return predictWithTribuo(encoding.encodeColumns(columns, rows));
        }
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = encoding.targetScaling().inverse(scaled[i], clip);
        }
        return scaled;
    }

    double[] predictEncoded(List<EncodedRow> rows) {
        if (linear == null) {
            return predictWithTribuo(rows);
        }
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = encoding.targetScaling().inverse(linear.predict(rows.get(i)), clip);
        }
        return out;
    }

    /** Tribuo's own prediction path: every model type, one example per row. */
    double[] predictWithTribuo(List<EncodedRow> rows) {
        List<org.tribuo.Example<Regressor>> examples = new ArrayList<>(rows.size());
        for (EncodedRow r : rows) {
            examples.add(new ArrayExample<>(RegressionData.UNKNOWN, r.names(), r.values()));
        }
        double[] out = new double[rows.size()];
        var predictions = model.predict(examples);
        for (int i = 0; i < out.length; i++) {
            out[i] = encoding.targetScaling().inverse(predictions.get(i).getOutput().getValues()[0], clip);
        }
        return out;
    }
}
