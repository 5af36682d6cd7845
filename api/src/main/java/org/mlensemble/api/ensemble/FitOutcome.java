package org.mlensemble.api.ensemble;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.mlensemble.api.membership.Members;

/**
 * The answer to a fit: the new model version, and what each learner made of it.
 *
 * @param training {@code shard} (a member per shard) or {@code joint} (one model over the shards)
 * @param joint    for a joint fit: the shards the model covers, its workers, and its attempts
 */
public record FitOutcome(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
        long seed, Members members, List<LearnerOutcome> learners, long elapsedMs, String training,
        @JsonInclude(JsonInclude.Include.NON_NULL) JointOutcome joint) {

    /** A fit per shard. */
    public FitOutcome(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
            long seed, Members members, List<LearnerOutcome> learners, long elapsedMs) {
        this(modelId, dataset, target, algorithm, params, seed, members, learners, elapsedMs, "shard", null);
    }

    /**
     * What a joint fit trained: one model, held by every worker.
     *
     * @param shards        the shards the model was trained on, joined with {@code +}
     * @param workers       learner id to the shard it trained on; each holds the model
     * @param missingShards shards of the dataset the model lacks (their learners were lost or failed)
     * @param attempts      1, or 2 when the first training failed and was tried again without the
     *                      learners that failed
     * @param failures      why each failed attempt failed
     */
    public record JointOutcome(String shards, Map<String, String> workers, List<String> missingShards, int attempts,
            List<String> failures) {
    }

    /**
     * One learner's part in a fit.
     *
     * @param status {@code trained}, {@code failed}, {@code rejected} or {@code missing}
     */
    public record LearnerOutcome(String learnerId, String shard, String status, String reason, Integer rows,
            Long trainMs) {
    }
}
