package org.mlensemble.common.messaging;

import java.util.List;

/**
 * A learner's periodic presence message. All cluster state lives in the learners; an api
 * instance rebuilds its whole view (who is alive, which models exist, which fits are running)
 * from these.
 *
 * @param instanceId changes on every process start, so a restart is visible
 * @param members    the members this learner holds, newest first
 * @param training   fits in progress, and those that ended in the last minute
 * @param leaving    sent once on graceful shutdown, so the api stops waiting for this learner at once
 * @param loadFailures stored members that could not be loaded at start-up
 * @param datasets   the dataset folders this learner holds (none from learners older than uploads)
 * @param pinned     ids of the held members that retention keeps whatever their age or rank
 * @param removed    the members removed last (deleted, or by retention), newest first, bounded
 * @param columnSets the columns each held member accepts in a predict, one entry per distinct set
 */
public record Heartbeat(
        String learnerId,
        String shard,
        String instanceId,
        long sentAt,
        long startedAt,
        List<MemberInfo> members,
        List<TrainingProgress> training,
        boolean leaving,
        int loadFailures,
        List<DatasetInfo> datasets,
        List<String> pinned,
        List<ModelRemoval> removed,
        List<ColumnSet> columnSets) {

    public Heartbeat {
        members = members == null ? List.of() : List.copyOf(members);
        training = training == null ? List.of() : List.copyOf(training);
        datasets = datasets == null ? List.of() : List.copyOf(datasets);
        pinned = pinned == null ? List.of() : List.copyOf(pinned);
        removed = removed == null ? List.of() : List.copyOf(removed);
        columnSets = columnSets == null ? List.of() : List.copyOf(columnSets);
    }

    /** A heartbeat with dataset folders, without the lifecycle fields of newer learners. */
    public Heartbeat(String learnerId, String shard, String instanceId, long sentAt, long startedAt,
            List<MemberInfo> members, List<TrainingProgress> training, boolean leaving, int loadFailures,
            List<DatasetInfo> datasets) {
        this(learnerId, shard, instanceId, sentAt, startedAt, members, training, leaving, loadFailures, datasets,
                List.of(), List.of(), List.of());
    }

    /** A heartbeat without dataset folders, as learners sent before uploads existed. */
    public Heartbeat(String learnerId, String shard, String instanceId, long sentAt, long startedAt,
            List<MemberInfo> members, List<TrainingProgress> training, boolean leaving, int loadFailures) {
        this(learnerId, shard, instanceId, sentAt, startedAt, members, training, leaving, loadFailures, List.of());
    }

    /** This heartbeat listing {@code datasets}. */
    public Heartbeat withDatasets(List<DatasetInfo> datasets) {
        return new Heartbeat(learnerId, shard, instanceId, sentAt, startedAt, members, training, leaving,
                loadFailures, datasets, pinned, removed, columnSets);
    }

    /** This heartbeat with the lifecycle fields: pinned members, tombstones, column sets. */
    public Heartbeat withLifecycle(List<String> pinned, List<ModelRemoval> removed, List<ColumnSet> columnSets) {
        return new Heartbeat(learnerId, shard, instanceId, sentAt, startedAt, members, training, leaving,
                loadFailures, datasets, pinned, removed, columnSets);
    }
}
