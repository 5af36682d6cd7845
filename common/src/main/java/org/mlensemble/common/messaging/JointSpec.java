package org.mlensemble.common.messaging;

import java.util.Map;
import org.mlensemble.common.features.FeatureEncoding;

/**
 * What makes a fit joint: one XGBoost model trained over several shards at once, each shard's
 * learner a worker of XGBoost's collective, the data never leaving its learner.
 *
 * @param ranks    learner id to its worker rank (0 .. n-1), for every worker; a learner not named
 *                 here ignores the job. Rank 0's model is the one every worker keeps.
 * @param shards   learner id to the shard it trains on, for the same learners
 * @param tracker  the worker arguments of XGBoost's tracker ({@code dmlc_tracker_uri},
 *                 {@code dmlc_tracker_port}, ...): where the workers meet
 * @param encoding the one feature encoding every worker uses, merged from the shards' summaries,
 *                 so that the same column means the same feature on every worker
 * @param attempt  1 for the first training of this model, 2 for a retry with other workers
 * @param deadline epoch millis when the api stops waiting: each worker's process is killed then
 */
public record JointSpec(Map<String, Integer> ranks, Map<String, String> shards, Map<String, Object> tracker,
        FeatureEncoding encoding, int attempt, long deadline) {

    /**
     * Ends the reason a worker gives when its training failed because the collective did: usually
     * a peer that was lost, not this worker's own fault.
     */
    public static final String COLLECTIVE_FAILED = "a worker that is lost fails every worker of the training";

    public JointSpec {
        ranks = ranks == null ? Map.of() : Map.copyOf(ranks);
        shards = shards == null ? Map.of() : Map.copyOf(shards);
        tracker = tracker == null ? Map.of() : Map.copyOf(tracker);
    }

    /** The shards the joint model covers, sorted and joined with {@code +}: its one member's shard. */
    public String coveredShards() {
        return String.join("+", new java.util.TreeSet<>(shards.values()));
    }

    /**
     * The shards a member's shard label stands for: the label itself for a member of one shard,
     * every shard of a joint model's {@link #coveredShards()} label.
     */
    public static java.util.List<String> shardsOf(String memberShard) {
        if (memberShard == null || memberShard.isEmpty()) {
            return java.util.List.of();
        }
        return java.util.List.of(memberShard.split("\\+"));
    }

    /** Whether a member labelled {@code memberShard} was trained on {@code shard}, alone or jointly. */
    public static boolean covers(String memberShard, String shard) {
        return shard != null && shardsOf(memberShard).contains(shard);
    }

    /** Whether a member's shard label is a joint model's. */
    public static boolean isJoint(String memberShard) {
        return memberShard != null && memberShard.indexOf('+') >= 0;
    }
}
