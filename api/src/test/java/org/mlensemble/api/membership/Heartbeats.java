package org.mlensemble.api.membership;

import java.util.List;
import java.util.Map;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MemberInfo;

/** Small heartbeats for the presence tests. */
public final class Heartbeats {

    private Heartbeats() {
    }

    /** A heartbeat of {@code learner} on {@code shard}, holding a member of each model id. */
    public static Heartbeat of(String learner, String shard, String instance, long sentAt, String... models) {
        List<MemberInfo> members = java.util.Arrays.stream(models).map(m -> member(m, learner, shard)).toList();
        return new Heartbeat(learner, shard, instance, sentAt, 0, members, List.of(), false, 0);
    }

    public static MemberInfo member(String modelId, String learner, String shard) {
        return new MemberInfo(modelId, learner, shard, "house", "SalePrice", "linear", Map.of(), 7, "shard", 1_000,
                2_000, 100, 10, 5, Double.NaN, Map.of());
    }
}
