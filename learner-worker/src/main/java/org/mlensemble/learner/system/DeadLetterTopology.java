package org.mlensemble.learner.system;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.mlensemble.common.messaging.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * The dead-letter exchange, the bounded dead-letter queue and the bindings that let only
 * rejected jobs in, declared on every new connection by hand rather than by RabbitAdmin: a broker
 * may hold the queue from an earlier version, unbounded, and refuse the bounded declaration
 * ({@code PRECONDITION_FAILED}). RabbitAdmin would then declare nothing at all, the job queue
 * included; here the old queue is kept as it is, with a warning that says how to replace it.
 * <p>
 * The binding of earlier versions ({@code x-match: all}) matched every dead letter, expired
 * predicts included; it is removed where found (unbinding a binding that does not exist is a no-op).
 */
final class DeadLetterTopology implements ConnectionListener {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterTopology.class);

    private final Topology topology;
    private final BrokerProperties broker;

    DeadLetterTopology(ConnectionFactory connections, Topology topology, BrokerProperties broker) {
        this.topology = topology;
        this.broker = broker;
        connections.addConnectionListener(this);
    }

    /** Arguments of the dead-letter queue: bounded, dropping the oldest when full. */
    static Map<String, Object> queueArguments(BrokerProperties broker) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-max-length", broker.deadLetterMaxLength());
        args.put("x-overflow", "drop-head");
        if (broker.queueType() == BrokerProperties.QueueType.quorum) {
            args.put("x-queue-type", "quorum");
        }
        return args;
    }

    @Override
    public void onCreate(Connection connection) {
        String exchange = topology.deadLetterExchange();
        String queue = topology.deadLetterQueue();
        try {
            try (Channel ch = connection.createChannel(false)) {
                ch.exchangeDeclare(exchange, "headers", true);
            }
            declareQueue(connection, queue);
            try (Channel ch = connection.createChannel(false)) {
                ch.queueUnbind(queue, exchange, "", Topology.legacyDeadLetterBinding());
                for (Map<String, Object> binding : Topology.deadLetterBindings()) {
                    ch.queueBind(queue, exchange, "", binding);
                }
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.warn("the broker refused the dead-letter topology ({} / {}): rejected jobs are dropped, not kept."
                    + " Cause: {}", exchange, queue, cause.getMessage());
        }
    }

    private void declareQueue(Connection connection, String queue) throws IOException, TimeoutException {
        try (Channel ch = connection.createChannel(false)) {
            ch.queueDeclare(queue, true, false, false, queueArguments(broker));
            return;
        } catch (IOException e) {
            // PRECONDITION_FAILED closes the channel: the queue exists with other arguments
            log.debug("bounded declaration of {} refused", queue, e);
        }
        try (Channel ch = connection.createChannel(false)) {
            ch.queueDeclarePassive(queue);
        }
        log.warn("the dead-letter queue {} exists with other arguments (an earlier version declared it unbounded, or"
                + " as another queue type): it is kept as it is. Delete it once it holds nothing you need"
                + " (rabbitmqctl delete_queue -p <vhost> {}) and the learners declare it bounded to {} messages",
                queue, queue, broker.deadLetterMaxLength());
    }
}
