package org.mlensemble.common.messaging;

import java.util.List;
import java.util.Map;

/**
 * Train one member of model {@code modelId} on the learner's own shard of {@code dataset}.
 * Every learner gets the same job; the shard it reads is its own.
 *
 * @param modelId       the model version this member belongs to; a retried fit carries the same id
 * @param createdAt     epoch millis when the api created the model version
 * @param columnTypes   per-column override, {@code numeric} or {@code categorical}
 * @param ignore        columns that are identifiers, not features
 * @param joint         null for a fit per shard; for a joint fit, the workers, the tracker and the
 *                      one encoding they all use ({@link JointSpec})
 */
public record FitJob(
        String modelId,
        long createdAt,
        String dataset,
        String target,
        String algorithm,
        Map<String, Object> params,
        long seed,
        String sampling,
        boolean logTarget,
        boolean holdoutWeights,
        Map<String, String> columnTypes,
        List<String> ignore,
        JointSpec joint) {

    /** A fit per shard: every learner trains its own member. */
    public FitJob(String modelId, long createdAt, String dataset, String target, String algorithm,
            Map<String, Object> params, long seed, String sampling, boolean logTarget, boolean holdoutWeights,
            Map<String, String> columnTypes, List<String> ignore) {
        this(modelId, createdAt, dataset, target, algorithm, params, seed, sampling, logTarget, holdoutWeights,
                columnTypes, ignore, null);
    }

    public FitJob {
        params = params == null ? Map.of() : Map.copyOf(params);
        columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
    }
}
