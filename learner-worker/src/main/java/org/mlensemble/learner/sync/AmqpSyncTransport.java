package org.mlensemble.learner.sync;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.common.messaging.sync.FetchRequest;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.InventoryRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The requesting side of peer sync over the broker: one channel of its own, consuming direct
 * reply-to, so that an inventory gathers the answers of every peer (Spring's request-reply
 * completes on the first one). Requests are published mandatory: an inventory request of a learner
 * alone on its shard, or a fetch from a peer that has gone, comes back unroutable at once instead
 * of waiting out the window or the timeout. Used by one thread.
 */
final class AmqpSyncTransport implements SyncTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmqpSyncTransport.class);
    static final String INVENTORY = "inventory";
    static final String FETCH = "fetch";
    static final String OK = "ok";
    static final String MISSING = "missing";
    static final String REFUSED = "refused";
    private static final String UNROUTABLE = "unroutable";

    private record Reply(AMQP.BasicProperties props, byte[] body, String status) {
    }

    private final Channel channel;
    private final String login;
    private final Identities identities;
    private final Topology topology;
    private final SyncProperties props;
    private final Map<String, BlockingQueue<Reply>> pending = new ConcurrentHashMap<>();

    AmqpSyncTransport(ConnectionFactory connections, Topology topology, SyncProperties props, Identities identities)
            throws IOException {
        this.identities = identities;
        this.topology = topology;
        this.props = props;
        this.login = connections.getUsername();
        this.channel = connections.createConnection().getDelegate().createChannel();
        channel.addReturnListener(r -> deliver(r.getProperties(), new byte[0], UNROUTABLE));
        channel.basicConsume(Topology.DIRECT_REPLY_TO, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                Object status = p.getHeaders() == null ? null : p.getHeaders().get(Headers.SYNC_STATUS);
                deliver(p, body, status == null ? OK : status.toString());
            }
        });
    }

    private void deliver(AMQP.BasicProperties p, byte[] body, String status) {
        BlockingQueue<Reply> q = p.getCorrelationId() == null ? null : pending.get(p.getCorrelationId());
        if (q != null) {
            q.add(new Reply(p, body, status));
        }
    }

    @Override
    public List<Inventory> inventory(InventoryRequest request) {
        List<Inventory> answers = new ArrayList<>();
        String id = UUID.randomUUID().toString();
        BlockingQueue<Reply> q = new LinkedBlockingQueue<>();
        pending.put(id, q);
        try {
            // mandatory: with no replica bound to the shard, the request comes back at once
            publish(topology.syncShardKey(request.shard()), INVENTORY, id, MessageCodec.encode(request), true);
            long end = System.nanoTime() + props.inventoryWindow().toNanos();
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                Reply r = q.poll(left, TimeUnit.NANOSECONDS);
                if (r == null || UNROUTABLE.equals(r.status())) {
                    break;
                }
                try {
                    Inventory inv = MessageCodec.decode(r.body(), Inventory.class);
                    // only a learner of this shard, under its own login, may tell us what to copy
                    if (identities.vouchesForLearner(r.props().getUserId(), inv.learnerId())
                            && request.shard().equals(inv.shard())) {
                        answers.add(inv);
                    } else {
                        log.warn("sync: dropped an inventory claiming to be from {} (shard {}) sent by broker user {}",
                                inv.learnerId(), inv.shard(), r.props().getUserId());
                    }
                } catch (MalformedMessageException e) {
                    log.warn("sync: an unreadable inventory answer: {}", e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("sync: cannot ask the peers for their inventory: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pending.remove(id);
        }
        return answers;
    }

    @Override
    public Chunk fetch(String peerId, FetchRequest request) throws SyncException {
        String id = UUID.randomUUID().toString();
        BlockingQueue<Reply> q = new LinkedBlockingQueue<>();
        pending.put(id, q);
        try {
            publish(topology.syncLearnerKey(peerId), FETCH, id, MessageCodec.encode(request), true);
            Reply r = q.poll(props.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new SyncException("no answer from " + peerId + " within " + props.fetchTimeout());
            }
            if (!OK.equals(r.status())) {
                throw new SyncException(peerId + " answered " + r.status() + ": " + new String(r.body(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!identities.vouchesForLearner(r.props().getUserId(), peerId)) {
                throw new SyncException("an answer for " + peerId + " sent by broker user " + r.props().getUserId());
            }
            Object size = r.props().getHeaders() == null ? null : r.props().getHeaders().get(Headers.SYNC_FILE_SIZE);
            if (!(size instanceof Number n)) {
                throw new SyncException(peerId + " sent a chunk without " + Headers.SYNC_FILE_SIZE);
            }
            return new Chunk(r.body(), n.longValue());
        } catch (IOException e) {
            throw new SyncException("cannot ask " + peerId + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("interrupted");
        } finally {
            pending.remove(id);
        }
    }

    private void publish(String routingKey, String kind, String correlationId, byte[] body, boolean mandatory)
            throws IOException {
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .correlationId(correlationId)
                .replyTo(Topology.DIRECT_REPLY_TO)
                .userId(login) // peers answer only the learner login that the request names
                .headers(Map.of(Headers.SYNC_REQUEST, kind, Headers.PROTOCOL, Headers.PROTOCOL_VERSION))
                .build();
        synchronized (channel) {
            channel.basicPublish(topology.syncExchange(), routingKey, mandatory, p, body);
        }
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("sync channel close: {}", e.getMessage());
        }
    }
}
