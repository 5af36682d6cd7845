package org.mlensemble.api.membership;

import io.micrometer.core.instrument.MeterRegistry;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/** Feeds learner heartbeats into {@link Membership}; a heartbeat it cannot read is dropped and counted. */
@Component
class PresenceListener {

    private static final Logger log = LoggerFactory.getLogger(PresenceListener.class);

    private final Membership membership;
    private final MeterRegistry meters;

    PresenceListener(Membership membership, MeterRegistry meters) {
        this.membership = membership;
        this.meters = meters;
        meters.gauge("ml.api.learners.live", membership, m -> m.live().size());
        // registered now, so that they read 0 rather than being absent
        meters.counter("ml.api.heartbeats.malformed");
        meters.counter("ml.api.heartbeats.stale");
    }

    @RabbitListener(id = "presence", queues = "#{presenceQueue.name}")
    void onHeartbeat(Message message) {
        try {
            Heartbeat hb = MessageCodec.decode(message.getBody(), Heartbeat.class);
            if (!Names.isSafeName(hb.learnerId()) || !Names.isShardName(hb.shard())) {
                throw new MalformedMessageException("heartbeat without a valid learner id and shard");
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
