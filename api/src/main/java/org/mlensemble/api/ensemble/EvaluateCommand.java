package org.mlensemble.api.ensemble;

import java.time.Duration;

/**
 * A validated evaluate request; a null model id means the newest model of {@code dataset} (of any
 * dataset when that is null too, see {@link DefaultModel}).
 */
public record EvaluateCommand(String modelId, String dataset, Duration deadline, int quorum, boolean weighted) {

    public EvaluateCommand(String modelId, Duration deadline, int quorum, boolean weighted) {
        this(modelId, null, deadline, quorum, weighted);
    }
}
