package org.mlensemble.api.membership;

import io.micrometer.core.instrument.MeterRegistry;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Feeds learner heartbeats into {@link Membership}. A heartbeat it cannot read is dropped and
 * counted, and so is one whose {@code user_id} (checked by the broker against the publisher's login)
 * is not the broker user of the learner it claims to be from: anyone else could otherwise add a
 * learner with any model, or say that a real learner is leaving.
 */
@Component
class PresenceListener {

    private static final Logger log = LoggerFactory.getLogger(PresenceListener.class);

    private final Membership membership;
    private final MeterRegistry meters;
    private final Identities identities;

    PresenceListener(Membership membership, MeterRegistry meters, Identities identities) {
        this.membership = membership;
        this.meters = meters;
        this.identities = identities;
        meters.gauge("ml.api.learners.live", membership, m -> m.live().size());
        // registered now, so that they read 0 rather than being absent
        meters.counter("ml.api.heartbeats.malformed");
        meters.counter("ml.api.heartbeats.stale");
        meters.counter("ml.api.heartbeats.forged");
    }

    @RabbitListener(id = "presence", queues = "#{presenceQueue.name}")
    void onHeartbeat(Message message) {
        try {
            Heartbeat hb = MessageCodec.decode(message.getBody(), Heartbeat.class);
            if (!Names.isSafeName(hb.learnerId()) || !Names.isShardName(hb.shard())) {
                throw new MalformedMessageException("heartbeat without a valid learner id and shard");
            }
            String userId = message.getMessageProperties().getReceivedUserId();
            if (!identities.vouchesForLearner(userId, hb.learnerId())) {
                meters.counter("ml.api.heartbeats.forged").increment();
                log.debug("dropped a heartbeat claiming to be from {} published by broker user {}", hb.learnerId(),
                        userId);
                return;
            }
            if (!membership.onHeartbeat(hb)) {
                meters.counter("ml.api.heartbeats.stale").increment();
            }
        } catch (MalformedMessageException e) {
            meters.counter("ml.api.heartbeats.malformed").increment();
            log.debug("dropped a malformed heartbeat: {}", e.getMessage());
        }
    }
}
