package org.mlensemble.api.ensemble;

import java.util.List;
import java.util.Map;
import org.mlensemble.api.membership.Members;
import org.mlensemble.common.metrics.RegressionMetrics;

/**
 * The ensemble's score on the labelled test set, computed from the averaged predictions.
 *
 * @param memberMetrics  each member's own score
 * @param withoutMember  the ensemble's score with each member left out: how gracefully it degrades
 * @param sample         up to 500 (actual, predicted) pairs, for plotting
 */
public record EvaluateOutcome(String modelId, String dataset, RegressionMetrics ensemble,
        Map<String, RegressionMetrics> memberMetrics, Map<String, RegressionMetrics> withoutMember,
        Members members, List<double[]> sample, long elapsedMs) {
}
