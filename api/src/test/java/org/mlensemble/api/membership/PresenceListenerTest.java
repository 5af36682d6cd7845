package org.mlensemble.api.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MessageCodec;
import org.springframework.amqp.core.Message;

class PresenceListenerTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Membership membership = new Membership(Clock.systemUTC(), Duration.ofSeconds(5),
            Duration.ofMinutes(5));
    private final PresenceListener listener = new PresenceListener(membership, meters);

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
        assertThat(membership.learners().get(0).members()).hasSize(1);
    }

    private static Message message(Heartbeat hb) {
        return new Message(MessageCodec.encode(hb));
    }
}
