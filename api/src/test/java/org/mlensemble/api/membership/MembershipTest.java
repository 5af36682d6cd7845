package org.mlensemble.api.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private final Membership membership = new Membership(CLOCK, Duration.ofSeconds(5), Duration.ofMinutes(5));

    @Test
    void anOlderHeartbeatOfTheSameInstanceArrivingLateDoesNotUndoANewerOne() {
        // the after-fit heartbeat (sent at 200, with the new member) overtakes a scheduled one sent at 100
        assertThat(membership.onHeartbeat(Heartbeats.of("learner-1", "A", "i-1", 200, "m-2", "m-1"))).isTrue();

        assertThat(membership.onHeartbeat(Heartbeats.of("learner-1", "A", "i-1", 100, "m-1"))).isFalse();

        assertThat(membership.model("m-2")).isPresent();
        assertThat(membership.learners().get(0).held()).hasSize(2);
    }

    @Test
    void aNewInstanceAlwaysReplacesTheOldOneWhateverItsSentAt() {
        membership.onHeartbeat(Heartbeats.of("learner-1", "A", "i-1", 500, "m-1"));

        // restarted, with a clock that went back: still the truth now
        assertThat(membership.onHeartbeat(Heartbeats.of("learner-1", "A", "i-2", 100))).isTrue();

        assertThat(membership.learners().get(0).instanceId()).isEqualTo("i-2");
        assertThat(membership.model("m-1")).isEmpty();
    }

    @Test
    void aModelsMembersAreItsShardsWithTheirHoldersAndLiveHolders() {
        membership.onHeartbeat(Heartbeats.of("learner-1", "A", "i-1", 1, "m-1"));
        membership.onHeartbeat(Heartbeats.of("learner-2", "B", "i-2", 1, "m-1"));
        membership.onHeartbeat(Heartbeats.of("learner-3", "A", "i-3", 1, "m-1"));
        membership.onHeartbeat(leaving(Heartbeats.of("learner-3", "A", "i-3", 2, "m-1")));

        ModelView model = membership.model("m-1").orElseThrow();

        assertThat(model.expected()).isEqualTo(2);
        assertThat(model.shards()).containsOnlyKeys("A", "B");
        assertThat(model.shards().get("A").holders()).containsExactly("learner-1", "learner-3");
        assertThat(model.shards().get("A").liveHolders()).containsExactly("learner-1");
        assertThat(model.shards().get("B").liveHolders()).containsExactly("learner-2");
        assertThat(model.holders()).containsExactly("learner-1", "learner-2", "learner-3");
        assertThat(model.shardOfHolders()).isEqualTo(Map.of("learner-1", "A", "learner-2", "B", "learner-3", "A"));
        assertThat(membership.shards()).containsEntry("learner-3", "A").hasSize(3);
    }

    private static org.mlensemble.common.messaging.Heartbeat leaving(org.mlensemble.common.messaging.Heartbeat hb) {
        return new org.mlensemble.common.messaging.Heartbeat(hb.learnerId(), hb.shard(), hb.instanceId(), hb.sentAt(),
                hb.startedAt(), hb.members(), List.of(), true, 0);
    }
}
