package org.mlensemble.common.messaging;

import java.util.Map;

/**
 * What a learner knows about one member it holds: enough for the api to list models, pick the
 * latest, weight members and reproduce the fit.
 *
 * @param createdAt     when the api created the model version (epoch millis)
 * @param trainedAt     when this member finished training (epoch millis)
 * @param holdoutRmse   error on a held-out slice of the shard, when weights were requested, else NaN
 * @param provenance    our own metadata: rows, encoding summary, library versions, timings
 */
public record MemberInfo(
        String modelId,
        String learnerId,
        String shard,
        String dataset,
        String target,
        String algorithm,
        Map<String, Object> params,
        long seed,
        String sampling,
        long createdAt,
        long trainedAt,
        int rows,
        int features,
        long trainMs,
        double holdoutRmse,
        Map<String, String> provenance) {
}
