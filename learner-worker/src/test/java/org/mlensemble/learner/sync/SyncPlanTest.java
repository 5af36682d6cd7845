package org.mlensemble.learner.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.sync.HeldDataset;
import org.mlensemble.common.messaging.sync.HeldMember;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.SyncFile;

class SyncPlanTest {

    @Test
    void copiesTheMembersItLacksAmongTheNewestRetainedVersions() {
        Inventory mine = inventory("me", "A", List.of(member("m-3", 3, "me")), List.of());
        Inventory peer = inventory("p1", "A", List.of(member("m-1", 1, "p1"), member("m-2", 2, "p1"),
                member("m-3", 3, "p1"), member("m-4", 4, "p1")), List.of());

        SyncPlan plan = SyncPlan.of(mine, List.of(peer), 3);

        // newest three are m-4, m-3, m-2; m-3 is held
        assertThat(plan.members()).extracting(m -> m.info().modelId()).containsExactly("m-4", "m-2");
        assertThat(plan.members().get(0).sources()).containsOnlyKeys("p1");
        assertThat(plan.bytes()).isEqualTo(2 * 110);
    }

    @Test
    void listsEveryPeerHoldingAMemberAsASource() {
        Inventory mine = inventory("me", "A", List.of(), List.of());

        SyncPlan plan = SyncPlan.of(mine, List.of(inventory("p1", "A", List.of(member("m-1", 1, "p1")), List.of()),
                inventory("p2", "A", List.of(member("m-1", 1, "p2")), List.of())), 5);

        assertThat(plan.members()).hasSize(1);
        assertThat(plan.members().get(0).sources()).containsOnlyKeys("p1", "p2");
    }

    @Test
    void ignoresItselfPeersOfAnotherShardAndMembersOfAnotherShard() {
        Inventory mine = inventory("me", "A", List.of(), List.of());
        Inventory echo = inventory("me", "A", List.of(member("m-1", 1, "me")), List.of());
        Inventory otherShard = inventory("p2", "B", List.of(member("m-2", 2, "p2", "B")),
                List.of(dataset("house", file("B/data.csv", "b"))));
        Inventory strayMember = inventory("p3", "A", List.of(member("m-3", 3, "p3", "B")), List.of());

        SyncPlan plan = SyncPlan.of(mine, List.of(echo, otherShard, strayMember), 5);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void copiesAJointModelThatCoversItsShardButNotOneThatDoesNot() {
        Inventory mine = inventory("me", "A", List.of(), List.of());
        Inventory worker = inventory("p1", "A", List.of(member("m-joint", 2, "p1", "A+B+C"),
                member("m-other", 1, "p1", "B+C")), List.of());

        SyncPlan plan = SyncPlan.of(mine, List.of(worker), 5);

        assertThat(plan.members()).extracting(f -> f.info().modelId()).containsExactly("m-joint");
    }

    @Test
    void copiesDatasetFilesItLacksOrHoldsInAnotherVersion() {
        Inventory mine = inventory("me", "A", List.of(),
                List.of(dataset("house", file("A/data.csv", "old")), dataset("cars", file("test/data.csv", "t"))));
        Inventory peer = inventory("p1", "A", List.of(), List.of(
                dataset("house", file("A/data.csv", "new"), file("test/data.csv", "t1")),
                dataset("cars", file("test/data.csv", "t"))));

        SyncPlan plan = SyncPlan.of(mine, List.of(peer), 5);

        assertThat(plan.files()).extracting(f -> f.dataset() + "/" + f.file().path() + "@" + f.file().sha256())
                .containsExactly("house/A/data.csv@new", "house/test/data.csv@t1");
        assertThat(plan.files().get(0).peers()).containsExactly("p1");
    }

    @Test
    void keepsAFileThatMatchesOneReplicaAndOtherwiseTakesTheVersionMostReplicasHold() {
        Inventory mine = inventory("me", "A", List.of(), List.of(dataset("house", file("test/data.csv", "x"))));
        List<Inventory> peers = List.of(
                inventory("p1", "A", List.of(), List.of(dataset("house", file("A/data.csv", "v1"), file("test/data.csv", "x")))),
                inventory("p2", "A", List.of(), List.of(dataset("house", file("A/data.csv", "v2"), file("test/data.csv", "y")))),
                inventory("p3", "A", List.of(), List.of(dataset("house", file("A/data.csv", "v2")))));

        SyncPlan plan = SyncPlan.of(mine, peers, 5);

        assertThat(plan.files()).hasSize(1);
        assertThat(plan.files().get(0).file().sha256()).isEqualTo("v2");
        assertThat(plan.files().get(0).peers()).containsExactly("p2", "p3");
    }

    @Test
    void refusesPathsOutsideItsShardAndTheTestPart() {
        Inventory mine = inventory("me", "A", List.of(), List.of());
        Inventory peer = inventory("p1", "A", List.of(new HeldMember(info("m-1", 1, "p1", "A"),
                List.of(new SyncFile("../../etc/passwd", 1, "s")))), List.of(
                dataset("house", file("B/data.csv", "b"), file("../A/data.csv", "u"), file("A/../../x", "u"),
                        file("other/x.json", "o"), file("A", "u"), file("A/.hidden", "h")),
                dataset("../up", file("A/data.csv", "u"))));

        SyncPlan plan = SyncPlan.of(mine, List.of(peer), 5);

        assertThat(plan.isEmpty()).isTrue();
    }

    static Inventory inventory(String id, String shard, List<HeldMember> members, List<HeldDataset> datasets) {
        return new Inventory(id, shard, members, datasets);
    }

    static HeldMember member(String modelId, long createdAt, String learnerId) {
        return member(modelId, createdAt, learnerId, "A");
    }

    static HeldMember member(String modelId, long createdAt, String learnerId, String shard) {
        return new HeldMember(info(modelId, createdAt, learnerId, shard),
                List.of(new SyncFile("member.json", 10, "j-" + learnerId), new SyncFile("member.tribuo", 100, "t")));
    }

    static MemberInfo info(String modelId, long createdAt, String learnerId, String shard) {
        return new MemberInfo(modelId, learnerId, shard, "house", "SalePrice", "linear", Map.of(), 7, "shard", createdAt,
                createdAt + 1, 100, 10, 5, Double.NaN, Map.of());
    }

    static HeldDataset dataset(String name, SyncFile... files) {
        return new HeldDataset(name, List.of(files));
    }

    static SyncFile file(String path, String sha) {
        return new SyncFile(path, 1000, sha);
    }
}
