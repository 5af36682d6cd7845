package org.mlensemble.learner.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.learner.system.LearnerProperties;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * A learner obeys only jobs published by an api user in its own protocol version; nothing else of it
 * is needed to refuse one.
 */
class JobListenerIdentityTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JobListener listener = new JobListener(null, null,
            new LearnerProperties("learner-1", "A", Path.of("data"), Path.of("models"), 5, Duration.ofSeconds(1),
                    Duration.ofHours(1), 4, Duration.ZERO, Duration.ofMinutes(10), Duration.ZERO, 200),
            Clock.systemUTC(), meters, null, null, null, null,
            new Identities("ml-learner-{id}", Set.of("ml-api")));

    @Test
    void aJobFromAnotherLearnersLoginIsDeadLetteredAndCountedBeforeItIsRead() {
        assertThat(meters.counter("ml.learner.jobs.forged").count()).isZero();

        for (String user : new String[] {"ml-learner-learner-2", "ml-learner-learner-1", "guest", null}) {
            assertThrows(AmqpRejectAndDontRequeueException.class, () -> listener.onJob(fit(user)), String.valueOf(user));
        }

        assertThat(meters.counter("ml.learner.jobs.forged").count()).isEqualTo(4);
    }

    @Test
    void aJobOfAnotherProtocolVersionIsDeadLetteredUnreadAndCounted() {
        for (Object version : new Object[] {2, "1", null}) {
            Message job = fit("ml-api");
            job.getMessageProperties().setHeader(Headers.PROTOCOL, version);

            AmqpRejectAndDontRequeueException e = assertThrows(AmqpRejectAndDontRequeueException.class,
                    () -> listener.onJob(job), String.valueOf(version));
            assertThat(e).hasMessageContaining("protocol version " + version);
        }

        assertThat(meters.counter("ml.learner.jobs.dead.lettered").count()).isEqualTo(3);
        assertThat(meters.counter("ml.learner.jobs.forged").count()).isZero();
    }

    private static Message fit(String userId) {
        MessageProperties mp = new MessageProperties();
        mp.setHeader(Headers.JOB_TYPE, "fit");
        mp.setHeader(Headers.PROTOCOL, Headers.PROTOCOL_VERSION);
        mp.setReceivedUserId(userId);
        return new Message("{\"modelId\":\"m-forged\",\"dataset\":\"d\",\"target\":\"t\"}"
                .getBytes(StandardCharsets.UTF_8), mp);
    }
}
