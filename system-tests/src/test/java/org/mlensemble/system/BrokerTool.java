package org.mlensemble.system;

import java.util.Map;
import java.util.Properties;
import org.mlensemble.common.messaging.Topology;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/** Direct broker access for tests: poison publishing, queue depths, clean-up. */
final class BrokerTool {

    private final RabbitAdmin admin;
    private final RabbitTemplate template;
    private final Topology topology;

    private BrokerTool(ConnectionFactory connections, Topology topology) {
        this.admin = new RabbitAdmin(connections);
        this.template = new RabbitTemplate(connections);
        this.topology = topology;
    }

    static BrokerTool of(Cluster cluster) {
        return new BrokerTool(cluster.api().getBean(ConnectionFactory.class), new Topology(cluster.prefix));
    }

    Topology topology() {
        return topology;
    }

    /** Publishes raw bytes with the given headers to the jobs exchange, as a broken client might. */
    void publishJob(byte[] body, Map<String, Object> headers) {
        MessageProperties mp = new MessageProperties();
        headers.forEach(mp::setHeader);
        template.send(topology.jobsExchange(), "", new Message(body, mp));
    }

    int depth(String queue) {
        Properties p = admin.getQueueProperties(queue);
        return p == null ? -1 : ((Number) p.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue();
    }

    void deleteEverything() {
        for (int i = 0; i < Cluster.SHARDS.size(); i++) {
            admin.deleteQueue(topology.learnerQueue(Cluster.learnerId(i)));
        }
        admin.deleteQueue(topology.deadLetterQueue());
        admin.deleteExchange(topology.jobsExchange());
        admin.deleteExchange(topology.deadLetterExchange());
        admin.deleteExchange(topology.presenceExchange());
    }
}
