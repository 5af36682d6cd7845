package org.mlensemble.api.membership;

import io.micrometer.core.instrument.MeterRegistry;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
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
    }

    @RabbitListener(id = "presence", queues = "#{presenceQueue.name}")
    void onHeartbeat(Message message) {
        try {
            Heartbeat hb = MessageCodec.decode(message.getBody(), Heartbeat.class);
            if (hb.learnerId() == null) {
                throw new MalformedMessageException("heartbeat without learner id");
            }
            membership.onHeartbeat(hb);
        } catch (MalformedMessageException e) {
            meters.counter("ml.api.heartbeats.malformed").increment();
            log.debug("dropped a malformed heartbeat: {}", e.getMessage());
        }
    }
}
