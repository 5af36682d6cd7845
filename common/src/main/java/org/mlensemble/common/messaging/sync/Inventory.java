package org.mlensemble.common.messaging.sync;

import java.util.List;

/** A learner's answer to an {@link InventoryRequest}: the members and the dataset files it holds for the shard. */
public record Inventory(String learnerId, String shard, List<HeldMember> members, List<HeldDataset> datasets) {

    public Inventory {
        members = members == null ? List.of() : List.copyOf(members);
        datasets = datasets == null ? List.of() : List.copyOf(datasets);
    }
}
