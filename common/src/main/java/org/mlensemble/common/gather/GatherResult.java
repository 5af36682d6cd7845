package org.mlensemble.common.gather;

import java.util.List;
import java.util.Map;
import org.mlensemble.common.messaging.JobReply;

/**
 * The frozen outcome of a gather. Members are shards: a shard is used when one of its replicas
 * answered successfully.
 *
 * @param ok            the reply that served each shard (the first successful one), in shard order
 * @param members       every shard of the ensemble for this request, sorted
 * @param missing       shards without a successful reply, down ones included
 * @param servedBy      shard to the learner whose reply served it, for the shards used
 * @param outcomes      per learner, {@code ok} or why it did not serve, in words
 * @param states        per learner, the same as an {@link Outcome}: what callers decide on
 * @param shardOutcomes per shard, {@code ok (learner)} or why each of its holders did not serve
 * @param learners      every learner that belonged to the request, to the shard it holds (null
 *                      when unknown: a live learner that never replied)
 * @param replies       every successful reply that was used or, for a fit, every trained replica
 * @param hedged        successful replies dropped because another replica of the shard answered first
 * @param badRequest    the reason a learner gave for rejecting the request, or null
 * @param others        unsuccessful replies from learners outside the ensemble (e.g. without the model)
 */
public record GatherResult(
        List<JobReply> ok,
        List<String> members,
        List<String> missing,
        Map<String, String> servedBy,
        Map<String, String> outcomes,
        Map<String, Outcome> states,
        Map<String, String> shardOutcomes,
        Map<String, String> learners,
        List<JobReply> replies,
        int hedged,
        int quorum,
        String badRequest,
        List<JobReply> others) {

    public boolean quorumMet() {
        return ok.size() >= quorum;
    }

    /** Shards used. */
    public int used() {
        return ok.size();
    }

    /** Shards the ensemble has. */
    public int expected() {
        return members.size();
    }
}
