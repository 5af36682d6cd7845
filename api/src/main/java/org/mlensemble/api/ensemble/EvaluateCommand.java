package org.mlensemble.api.ensemble;

import java.time.Duration;

/** A validated evaluate request; a null model id means the latest. */
public record EvaluateCommand(String modelId, Duration deadline, int quorum, boolean weighted) {
}
