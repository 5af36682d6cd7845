package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.messaging.ColumnSet;
import org.mlensemble.common.messaging.DeleteModelJob;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.ModelRemoval;
import org.mlensemble.common.messaging.PinModelJob;
import org.mlensemble.common.messaging.ReplyStatus;

/** Retention by count and age, pinning, deletion, and the removals a learner remembers. */
class ModelLifecycleTest {

    @RegisterExtension
    static final HouseData data = new HouseData();

    @TempDir
    Path work;

    private final LearnerTest.TickingClock clock = new LearnerTest.TickingClock(Instant.parse("2024-01-01T00:00:00Z"),
            Duration.ofSeconds(1));

    private MemberStore store;

    @BeforeEach
    void newStore() {
        store = new MemberStore(work.resolve("models"));
    }

    @Test
    void retentionByCountRemovesTheOldestAndRemembersWhy() {
        Learner learner = learner(2, Duration.ZERO);
        learner.fit(Fixtures.job("m-1", "linear"));
        learner.fit(Fixtures.job("m-2", "linear"));
        learner.fit(Fixtures.job("m-3", "linear"));

        assertThat(learner.memberInfos()).extracting(MemberInfo::modelId).containsExactlyInAnyOrder("m-3", "m-2");
        assertThat(Files.exists(store.folder("m-1"))).isFalse();
        assertThat(learner.heartbeat(false).removed()).singleElement().satisfies(r -> {
            assertThat(r.modelId()).isEqualTo("m-1");
            assertThat(r.cause()).isEqualTo(ModelRemoval.RETENTION_COUNT);
            assertThat(r.removedAt()).isPositive();
        });
    }

    @Test
    void aPinnedModelSurvivesRetentionAndDoesNotCountAgainstIt() {
        Learner learner = learner(2, Duration.ZERO);
        learner.fit(Fixtures.job("m-1", "linear"));
        assertThat(learner.pin(new PinModelJob("m-1", true)).status()).isEqualTo(ReplyStatus.OK);

        learner.fit(Fixtures.job("m-2", "linear"));
        learner.fit(Fixtures.job("m-3", "linear"));
        learner.fit(Fixtures.job("m-4", "linear"));

        assertThat(learner.memberInfos()).extracting(MemberInfo::modelId).containsExactlyInAnyOrder("m-4", "m-3", "m-1");
        assertThat(learner.heartbeat(false).pinned()).containsExactly("m-1");

        learner.pin(new PinModelJob("m-1", false));

        assertThat(learner.memberInfos()).extracting(MemberInfo::modelId).containsExactlyInAnyOrder("m-4", "m-3");
        assertThat(learner.heartbeat(false).pinned()).isEmpty();
    }

    @Test
    void aPinSurvivesARestart() {
        Learner first = learner(2, Duration.ZERO);
        first.fit(Fixtures.job("m-1", "linear"));
        first.pin(new PinModelJob("m-1", true));

        Learner restarted = learner(2, Duration.ZERO);
        restarted.loadPersisted();

        assertThat(restarted.pinned("m-1")).isTrue();
        assertThat(restarted.heartbeat(false).pinned()).containsExactly("m-1");
    }

    @Test
    void retentionByAgeRemovesOldModelsButNotPinnedOnes() {
        Learner learner = learner(50, Duration.ofHours(1));
        learner.fit(Fixtures.job("m-old", "linear"));
        learner.fit(Fixtures.job("m-old-pinned", "linear"));
        learner.pin(new PinModelJob("m-old-pinned", true));
        clock.advance(Duration.ofMinutes(61));
        learner.fit(Fixtures.job("m-new", "linear"));

        learner.enforceRetention();

        assertThat(learner.memberInfos()).extracting(MemberInfo::modelId).containsExactlyInAnyOrder("m-new",
                "m-old-pinned");
        assertThat(learner.removals()).singleElement().satisfies(r -> {
            assertThat(r.modelId()).isEqualTo("m-old");
            assertThat(r.cause()).isEqualTo(ModelRemoval.RETENTION_AGE);
        });
    }

    @Test
    void deleteRemovesTheMemberFromMemoryAndDiskAndIsRememberedAcrossARestart() {
        Learner learner = learner(5, Duration.ZERO);
        learner.fit(Fixtures.job("m-1", "linear"));
        learner.pin(new PinModelJob("m-1", true));

        JobReply reply = learner.deleteModel(new DeleteModelJob("m-1"));

        assertThat(reply.status()).isEqualTo(ReplyStatus.OK);
        assertThat(learner.holds("m-1")).isFalse();
        assertThat(Files.exists(store.folder("m-1"))).isFalse();
        Learner restarted = learner(5, Duration.ZERO);
        restarted.loadPersisted();
        assertThat(restarted.heartbeat(false).removed()).singleElement().satisfies(r -> {
            assertThat(r.modelId()).isEqualTo("m-1");
            assertThat(r.cause()).isEqualTo(ModelRemoval.DELETED);
        });
    }

    @Test
    void deletingOrPinningAModelNotHeldChangesNothing() {
        Learner learner = learner(5, Duration.ZERO);

        assertThat(learner.deleteModel(new DeleteModelJob("m-x")).status()).isEqualTo(ReplyStatus.NO_MODEL);
        assertThat(learner.pin(new PinModelJob("m-x", true)).status()).isEqualTo(ReplyStatus.NO_MODEL);
        assertThat(learner.removals()).isEmpty();
    }

    @Test
    void removalsAreBoundedNewestFirst() {
        Learner learner = new Learner(new Learner.Settings("learner-a", "A", data.dir(), 1, Duration.ZERO, 2), store,
                new MemberTrainer(clock), clock);
        for (int i = 1; i <= 5; i++) {
            learner.fit(Fixtures.job("m-" + i, "linear"));
        }

        assertThat(learner.removals()).extracting(ModelRemoval::modelId).containsExactlyInAnyOrder("m-4", "m-3");
    }

    @Test
    void aRefitAfterADeleteForgetsTheRemoval() {
        Learner learner = learner(5, Duration.ZERO);
        learner.fit(Fixtures.job("m-1", "linear"));
        learner.deleteModel(new DeleteModelJob("m-1"));

        learner.fit(Fixtures.job("m-1", "linear"));

        assertThat(learner.holds("m-1")).isTrue();
        assertThat(learner.removals()).isEmpty();
    }

    @Test
    void theHeartbeatListsTheColumnsAPredictMayNameOncePerDistinctSet() {
        Learner learner = learner(5, Duration.ZERO);
        learner.fit(Fixtures.job("m-1", "linear"));
        learner.fit(Fixtures.job("m-2", "linear"));

        Heartbeat beat = learner.heartbeat(false);

        assertThat(beat.columnSets()).singleElement().satisfies(set -> {
            assertThat(set.modelIds()).containsExactly("m-1", "m-2");
            assertThat(set.columns()).contains(Fixtures.TARGET, "Id").hasSizeGreaterThan(2);
        });
        assertThat(beat.columnSets()).extracting(ColumnSet::columns).allSatisfy(c -> assertThat(c).isSorted());
    }

    private Learner learner(int retention, Duration maxAge) {
        return new Learner(new Learner.Settings("learner-a", "A", data.dir(), retention, maxAge, 200), store,
                new MemberTrainer(clock), clock);
    }
}
