package org.mlensemble.api.ensemble;

import java.util.List;
import java.util.Map;
import org.mlensemble.api.membership.Members;

/** The answer to a fit: the new model version, and what each learner made of it. */
public record FitOutcome(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
        long seed, Members members, List<LearnerOutcome> learners, long elapsedMs) {

    /**
     * One learner's part in a fit.
     *
     * @param status {@code trained}, {@code failed}, {@code rejected} or {@code missing}
     */
    public record LearnerOutcome(String learnerId, String shard, String status, String reason, Integer rows,
            Long trainMs) {
    }
}
