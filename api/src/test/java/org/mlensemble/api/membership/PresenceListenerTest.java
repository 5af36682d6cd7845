package org.mlensemble.api.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MessageCodec;
import org.springframework.amqp.core.Message;

class PresenceListenerTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Membership membership = new Membership(Clock.systemUTC(), Duration.ofSeconds(5),
            Duration.ofMinutes(5));
    private final PresenceListener listener = new PresenceListener(membership, meters,
            new Identities("ml-learner-{id}", Set.of("ml-api")));

    @Test
    void heartbeatsWithAnUnsafeLearnerIdOrShardAreDroppedAndCounted() {
        assertThat(meters.counter("ml.api.heartbeats.malformed").count()).isZero();

        listener.onHeartbeat(message(Heartbeats.of("../etc", "A", "i-1", 1, "m-1")));
        listener.onHeartbeat(message(Heartbeats.of("learner-1", "A/B", "i-1", 1, "m-1")));
        listener.onHeartbeat(message(Heartbeats.of("learner-1", "S".repeat(17), "i-1", 1, "m-1")));
        listener.onHeartbeat(message(Heartbeats.of("learner-1", null, "i-1", 1, "m-1")));

        assertThat(meters.counter("ml.api.heartbeats.malformed").count()).isEqualTo(4);
        assertThat(membership.learners()).isEmpty();
    }

    @Test
    void anOlderHeartbeatIsCountedAsStale() {
        listener.onHeartbeat(message(Heartbeats.of("learner-1", "A", "i-1", 200, "m-1")));
        listener.onHeartbeat(message(Heartbeats.of("learner-1", "A", "i-1", 100)));

        assertThat(meters.counter("ml.api.heartbeats.stale").count()).isEqualTo(1);
        assertThat(membership.learners().get(0).held()).hasSize(1);
    }

    @Test
    void aHeartbeatFromAnotherLearnersLoginIsDroppedAndCountedAsForged() {
        assertThat(meters.counter("ml.api.heartbeats.forged").count()).isZero();

        listener.onHeartbeat(message(Heartbeats.of("learner-9", "A", "i-9", 1, "m-fake"), "ml-learner-learner-1"));
        listener.onHeartbeat(message(Heartbeats.of("learner-9", "A", "i-9", 1, "m-fake"), "ml-api"));
        listener.onHeartbeat(message(Heartbeats.of("learner-9", "A", "i-9", 1, "m-fake"), null));

        assertThat(meters.counter("ml.api.heartbeats.forged").count()).isEqualTo(3);
        assertThat(membership.learners()).isEmpty();
    }

    @Test
    void aForgedLeavingHeartbeatDoesNotMarkARealLearnerDead() {
        listener.onHeartbeat(message(Heartbeats.of("learner-1", "A", "i-1", 100, "m-1")));
        Heartbeat leaving = new Heartbeat("learner-1", "A", "i-1", 200, 0, List.of(), List.of(), true, 0);

        listener.onHeartbeat(message(leaving, "ml-learner-learner-2"));

        assertThat(meters.counter("ml.api.heartbeats.forged").count()).isEqualTo(1);
        assertThat(membership.live()).containsExactly("learner-1");
    }

    /** As the broker delivers it: user_id is the login of the learner that published it. */
    private static Message message(Heartbeat hb) {
        return message(hb, "ml-learner-" + hb.learnerId());
    }

    private static Message message(Heartbeat hb, String userId) {
        Message m = new Message(MessageCodec.encode(hb));
        m.getMessageProperties().setReceivedUserId(userId);
        return m;
    }
}
