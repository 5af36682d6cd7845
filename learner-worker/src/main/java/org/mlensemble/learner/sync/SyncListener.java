package org.mlensemble.learner.sync;

import java.nio.charset.StandardCharsets;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.sync.FetchRequest;
import org.mlensemble.common.messaging.sync.InventoryRequest;
import org.mlensemble.learner.system.LearnerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * The serving side of peer sync: answers inventory and fetch requests of the replicas of this
 * shard from {@link Holdings}. Its own queue and consumer, so that a large transfer never waits
 * behind a fit on the job queue, nor holds up predicts. A request it cannot read is dropped.
 */
@Component
class SyncListener {

    static final String LISTENER_ID = "sync";
    /** The most a peer gets per message, whatever it asks for. */
    static final int MAX_CHUNK = 16 * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(SyncListener.class);

    private final Holdings holdings;
    private final RabbitTemplate rabbit;
    private final LearnerProperties props;
    private final Identities identities;

    SyncListener(Holdings holdings, RabbitTemplate rabbit, LearnerProperties props, Identities identities) {
        this.identities = identities;
        this.holdings = holdings;
        this.rabbit = rabbit;
        this.props = props;
    }

    @RabbitListener(id = LISTENER_ID, queues = "#{syncQueue.name}", concurrency = "1")
    void onRequest(Message message) {
        MessageProperties mp = message.getMessageProperties();
        if (mp.getReplyTo() == null || mp.getCorrelationId() == null) {
            return;
        }
        try {
            Object kind = mp.getHeader(Headers.SYNC_REQUEST);
            if (AmqpSyncTransport.INVENTORY.equals(kind)) {
                InventoryRequest r = MessageCodec.decode(message.getBody(), InventoryRequest.class);
                if (props.id().equals(r.learnerId())) {
                    return; // our own request (a restart of this learner while its old queue lingers)
                }
                if (!fromLearner(mp, r.learnerId()) || !props.shard().equals(r.shard())) {
                    return;
                }
                log.info("sync: {} asks what shard {} holds", r.learnerId(), r.shard());
                reply(mp, MessageCodec.encode(holdings.inventory()), AmqpSyncTransport.OK, -1);
            } else if (AmqpSyncTransport.FETCH.equals(kind)) {
                FetchRequest r = MessageCodec.decode(message.getBody(), FetchRequest.class);
                if (!fromLearner(mp, r.learnerId())) {
                    return;
                }
                try {
                    SyncTransport.Chunk c = holdings.read(r, MAX_CHUNK);
                    reply(mp, c.bytes(), AmqpSyncTransport.OK, c.fileSize());
                } catch (Holdings.Refused e) {
                    log.info("sync: fetch of {} {} {} by {} refused: {}", r.kind(), r.name(), r.path(), r.learnerId(),
                            e.getMessage());
                    reply(mp, e.getMessage().getBytes(StandardCharsets.UTF_8),
                            e.missing ? AmqpSyncTransport.MISSING : AmqpSyncTransport.REFUSED, -1);
                }
            } else {
                log.warn("sync: dropped a request of unknown kind {}", kind);
            }
        } catch (MalformedMessageException e) {
            log.warn("sync: dropped an unreadable request: {}", e.getMessage());
        }
    }

    /** Only a learner, under its own login, may copy what this learner holds. */
    private boolean fromLearner(MessageProperties mp, String learnerId) {
        if (identities.vouchesForLearner(mp.getReceivedUserId(), learnerId)) {
            return true;
        }
        log.warn("sync: dropped a request claiming to be from {} published by broker user {}", learnerId,
                mp.getReceivedUserId());
        return false;
    }

    private void reply(MessageProperties request, byte[] body, String status, long fileSize) {
        MessageProperties p = new MessageProperties();
        p.setCorrelationId(request.getCorrelationId());
        p.setHeader(Headers.SYNC_STATUS, status);
        if (fileSize >= 0) {
            p.setHeader(Headers.SYNC_FILE_SIZE, fileSize);
            p.setContentType(MessageProperties.CONTENT_TYPE_BYTES);
        } else {
            p.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        }
        try {
            rabbit.send("", request.getReplyTo(), new Message(body, p));
        } catch (AmqpException e) {
            log.debug("sync: reply to {} dropped: {}", request.getReplyTo(), e.getMessage());
        }
    }
}
