package org.mlensemble.common.gather;

import java.util.List;
import java.util.Map;
import org.mlensemble.common.messaging.JobReply;

/**
 * The frozen outcome of a gather.
 *
 * @param ok          successful replies, the members used
 * @param members     every learner that belongs to the ensemble for this request
 * @param missing     members without a successful reply, down ones included
 * @param outcomes    per member, {@code ok} or the reason it is missing
 * @param badRequest  the reason a learner gave for rejecting the request, or null
 * @param others      unsuccessful replies from learners outside the ensemble (e.g. without the model)
 */
public record GatherResult(
        List<JobReply> ok,
        List<String> members,
        List<String> missing,
        Map<String, String> outcomes,
        int quorum,
        String badRequest,
        List<JobReply> others) {

    public boolean quorumMet() {
        return ok.size() >= quorum;
    }

    public int used() {
        return ok.size();
    }

    public int expected() {
        return members.size();
    }
}
