package org.mlensemble.common.messaging;

/**
 * One learner's answer to one job, sent by direct reply-to. Only the fields of its job type are
 * set.
 *
 * @param predictions predictions for predict and evaluate, in row order
 * @param actuals     the test labels for evaluate
 * @param member      the trained member for fit
 * @param workMs      time the learner spent on the job
 * @param dataset     for store-dataset: what the learner now holds of the dataset
 * @param joint       for prepare-joint: the learner's shard summary, and the tracker when it runs it
 */
public record JobReply(
        String learnerId,
        String shard,
        JobType job,
        String modelId,
        ReplyStatus status,
        String reason,
        double[] predictions,
        double[] actuals,
        MemberInfo member,
        long workMs,
        DatasetInfo dataset,
        JointReport joint) {

    public JobReply(String learnerId, String shard, JobType job, String modelId, ReplyStatus status, String reason,
            double[] predictions, double[] actuals, MemberInfo member, long workMs, DatasetInfo dataset) {
        this(learnerId, shard, job, modelId, status, reason, predictions, actuals, member, workMs, dataset, null);
    }

    public JobReply(String learnerId, String shard, JobType job, String modelId, ReplyStatus status, String reason,
            double[] predictions, double[] actuals, MemberInfo member, long workMs) {
        this(learnerId, shard, job, modelId, status, reason, predictions, actuals, member, workMs, null, null);
    }

    public static JobReply of(String learnerId, String shard, JobType job, String modelId, ReplyStatus status,
            String reason) {
        return new JobReply(learnerId, shard, job, modelId, status, reason, null, null, null, 0);
    }

    public boolean ok() {
        return status == ReplyStatus.OK;
    }
}
