package org.mlensemble.api.membership;

import java.util.List;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.TrainingProgress;

/** One learner as presence shows it. */
public record LearnerView(String learnerId, String shard, String instanceId, boolean alive, long lastSeen,
        long startedAt, List<MemberInfo> members, List<TrainingProgress> training, int loadFailures,
        List<DatasetInfo> datasets) {

    LearnerView(Heartbeat hb, long receivedAt, boolean alive) {
        this(hb.learnerId(), hb.shard(), hb.instanceId(), alive, receivedAt, hb.startedAt(), hb.members(),
                hb.training(), hb.loadFailures(), hb.datasets());
    }
}
