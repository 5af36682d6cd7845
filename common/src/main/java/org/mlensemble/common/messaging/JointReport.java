package org.mlensemble.common.messaging;

import java.util.Map;
import org.mlensemble.common.features.FeatureEncoding;

/**
 * A learner's answer to {@link PrepareJointJob}.
 *
 * @param summary the encoding fitted on the learner's own shard: its column types, numeric
 *                statistics and categorical levels
 * @param rows    the shard's rows with a target value: the weight of its statistics in the merge
 * @param tracker the tracker's worker arguments, from the learner of rank 0 only (else empty)
 */
public record JointReport(FeatureEncoding summary, int rows, Map<String, Object> tracker) {

    public JointReport {
        tracker = tracker == null ? Map.of() : Map.copyOf(tracker);
    }
}
