package org.mlensemble.api.ensemble;

import org.mlensemble.api.membership.Members;

/** The ensemble's predictions, one per row. */
public record PredictOutcome(String modelId, double[] predictions, Members members, long elapsedMs) {
}
