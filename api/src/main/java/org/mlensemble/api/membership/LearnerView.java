package org.mlensemble.api.membership;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import org.mlensemble.common.messaging.ColumnSet;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.ModelRemoval;
import org.mlensemble.common.messaging.TrainingProgress;

/**
 * One learner as presence shows it.
 *
 * @param held       the model members it holds, one per model version, with their provenance (not
 *                   called {@code members}: that name is kept for a model's shards, {@link Members})
 * @param pinned     the model versions it keeps whatever retention says
 * @param removed    the model versions it removed last (deleted, or by retention), newest first
 * @param columnSets which columns each member accepts in a predict; not part of the listing
 */
public record LearnerView(String learnerId, String shard, String instanceId, boolean alive, long lastSeen,
        long startedAt, List<MemberInfo> held, List<TrainingProgress> training, int loadFailures,
        List<DatasetInfo> datasets, List<String> pinned, List<ModelRemoval> removed,
        @JsonIgnore List<ColumnSet> columnSets) {

    LearnerView(Heartbeat hb, long receivedAt, boolean alive) {
        this(hb.learnerId(), hb.shard(), hb.instanceId(), alive, receivedAt, hb.startedAt(), hb.members(),
                hb.training(), hb.loadFailures(), hb.datasets(), hb.pinned(), hb.removed(), hb.columnSets());
    }
}
