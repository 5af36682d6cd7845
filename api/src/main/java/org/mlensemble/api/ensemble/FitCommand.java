package org.mlensemble.api.ensemble;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.learning.Training;

/**
 * A validated fit request.
 *
 * @param idempotencyKey when set, the model id derives from it, so a retried fit trains nothing twice
 * @param async          answer at once; progress is then read from presence
 * @param training       a member per shard, or one model trained jointly over the shards
 */
public record FitCommand(String dataset, String target, String algorithm, Map<String, Object> params, long seed,
        String sampling, boolean logTarget, boolean holdoutWeights, Map<String, String> columnTypes,
        List<String> ignore, Duration deadline, int quorum, String idempotencyKey, boolean async, Training training) {

    /** A fit per shard. */
    public FitCommand(String dataset, String target, String algorithm, Map<String, Object> params, long seed,
            String sampling, boolean logTarget, boolean holdoutWeights, Map<String, String> columnTypes,
            List<String> ignore, Duration deadline, int quorum, String idempotencyKey, boolean async) {
        this(dataset, target, algorithm, params, seed, sampling, logTarget, holdoutWeights, columnTypes, ignore,
                deadline, quorum, idempotencyKey, async, Training.SHARD);
    }
}
