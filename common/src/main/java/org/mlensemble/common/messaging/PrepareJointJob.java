package org.mlensemble.common.messaging;

import java.util.List;
import java.util.Map;

/**
 * The first phase of a joint fit: each named learner reads its shard and reports a summary of its
 * columns ({@link JointReport}), from which the api merges the one encoding of the model; the
 * learner of rank 0 also starts XGBoost's tracker for the workers and reports its address.
 * Learners not named in {@code ranks} ignore the job and do not answer.
 *
 * @param ranks     learner id to worker rank, as the training will use them
 * @param trackerTimeoutMs how long the tracker may wait for its workers before it gives up
 */
public record PrepareJointJob(String modelId, String dataset, String target, boolean logTarget,
        Map<String, String> columnTypes, List<String> ignore, Map<String, Integer> ranks, long trackerTimeoutMs) {

    public PrepareJointJob {
        columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        ranks = ranks == null ? Map.of() : Map.copyOf(ranks);
    }
}
