package org.mlensemble.learner.system;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.learner.sync.SyncState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * The peer-sync exchange and this learner's sync queue, declared on every new connection by hand
 * rather than by RabbitAdmin: a broker whose permissions predate peer sync refuses them, and
 * RabbitAdmin would then declare nothing at all, the job queue included. Here the refusal costs
 * the sync only, with a warning that says what to grant.
 * <p>
 * The queue is bound by the learner's id at once, but by its shard only once its own start-up sync
 * has ended: a learner that has not finished copying offers nothing to its peers yet, and a learner
 * alone on its shard finds its inventory request unroutable at once instead of waiting out the
 * answer window.
 */
public final class SyncTopology implements ConnectionListener {

    private static final Logger log = LoggerFactory.getLogger(SyncTopology.class);

    private final ConnectionFactory connections;
    private final Topology topology;
    private final LearnerProperties props;
    private final SyncState state;

    SyncTopology(ConnectionFactory connections, Topology topology, LearnerProperties props, SyncState state) {
        this.connections = connections;
        this.topology = topology;
        this.props = props;
        this.state = state;
        connections.addConnectionListener(this);
    }

    @Override
    public void onCreate(Connection connection) {
        // The listener hears the publisher connection open too (replies, heartbeats): an exclusive
        // queue declared there would lock the sync consumer, on the other connection, out of it.
        String name = connection.getDelegate() == null ? null : connection.getDelegate().getClientProvidedName();
        if (name != null && name.endsWith(".publisher")) {
            return;
        }
        declare(connection, state.isDone());
    }

    /** Makes this learner reachable by the inventory requests of its shard; called when its sync ends. */
    public void bindShard() {
        try {
            declare(connections.createConnection(), true);
        } catch (RuntimeException e) {
            log.warn("cannot bind the sync queue to shard {}: {}", props.shard(), e.getMessage());
        }
    }

    private void declare(Connection connection, boolean withShard) {
        String queue = topology.syncQueue(props.id());
        try (Channel ch = connection.createChannel(false)) {
            ch.exchangeDeclare(topology.syncExchange(), "direct", true);
            ch.queueDeclare(queue, false, true, true, null);
            ch.queueBind(queue, topology.syncExchange(), topology.syncLearnerKey(props.id()));
            if (withShard) {
                ch.queueBind(queue, topology.syncExchange(), topology.syncShardKey(props.shard()));
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.warn("the broker refused the peer-sync topology ({} / {}): this learner neither copies from nor serves"
                    + " the replicas of its shard. Grant the permissions of rabbitmq/definitions.json"
                    + " (ML_RABBIT_IMPORT_DEFINITIONS=always bin/mlcluster up). Cause: {}", topology.syncExchange(), queue,
                    cause.getMessage());
        }
    }
}
