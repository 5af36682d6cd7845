package org.mlensemble.learner.system;

import com.rabbitmq.client.Address;
import java.time.Clock;
import java.util.Map;
import org.mlensemble.broker.AllNodesConnectionFactory;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.learner.sync.SyncState;
import org.mlensemble.learner.datasets.DatasetJobs;
import org.mlensemble.learner.datasets.DatasetStore;
import org.mlensemble.learner.datasets.StreamPartSources;
import org.mlensemble.learner.training.Learner;
import org.mlensemble.learner.training.MemberStore;
import org.mlensemble.learner.training.JointTrainer;
import org.mlensemble.learner.training.MemberTrainer;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The learner's broker topology, declared in one place, and its domain objects.
 * <ul>
 *   <li>its own durable queue, bound to the jobs fanout, expiring when the learner is gone for long;</li>
 *   <li>rejected jobs are dead-lettered through a headers exchange into a bounded queue that keeps
 *       only {@code x-first-death-reason = rejected} (and {@code delivery_limit}): expired predicts
 *       are dropped, not hoarded; declared by {@link DeadLetterTopology};</li>
 *   <li>with {@code ml.queue-type=quorum} (a broker cluster) the job queue is a quorum queue,
 *       replicated over the nodes, with a delivery limit for jobs a learner keeps dying on;</li>
 *   <li>the presence fanout its heartbeats go to;</li>
 *   <li>the sync direct exchange and this learner's own sync queue (exclusive, auto-delete: it
 *       lives as long as the learner), bound by its shard and by its id, where the replicas of
 *       its shard ask what it holds and fetch copies: declared by {@link SyncTopology}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class LearnerConfiguration {

    @Bean
    Topology topology(BrokerProperties broker) {
        return new Topology(broker.prefix());
    }

    /** {@code ml.identity.learner-user} and {@code ml.identity.api-users}: who may speak for whom. */
    @Bean
    Identities identities(Environment env) {
        return Binder.get(env).bind("ml.identity", Identities.class).orElseGet(Identities::defaults);
    }

    @Bean
    Queue learnerQueue(Topology topology, LearnerProperties props, BrokerProperties broker) {
        QueueBuilder q = QueueBuilder.durable(topology.learnerQueue(props.id()))
                .deadLetterExchange(topology.deadLetterExchange())
                .expires((int) Math.min(Integer.MAX_VALUE, props.queueExpiry().toMillis()));
        if (broker.queueType() == BrokerProperties.QueueType.quorum) {
            q.quorum().deliveryLimit(broker.deliveryLimit());
        }
        return q.build();
    }

    @Bean
    Declarables learnerTopology(Topology topology, Queue learnerQueue) {
        FanoutExchange jobs = new FanoutExchange(topology.jobsExchange(), true, false);
        FanoutExchange presence = new FanoutExchange(topology.presenceExchange(), true, false);
        return new Declarables(jobs, presence, BindingBuilder.bind(learnerQueue).to(jobs));
    }

    @Bean
    DeadLetterTopology deadLetterTopology(ConnectionFactory connections, Topology topology, BrokerProperties broker) {
        return new DeadLetterTopology(connections, topology, broker);
    }

    /** Named for the sync listener; declared by {@link SyncTopology}, never by RabbitAdmin. */
    @Bean
    Queue syncQueue(Topology topology, LearnerProperties props) {
        Queue q = QueueBuilder.nonDurable(topology.syncQueue(props.id())).exclusive().autoDelete().build();
        q.setShouldDeclare(false);
        return q;
    }

    @Bean
    SyncTopology syncTopology(ConnectionFactory connections, Topology topology, LearnerProperties props,
            SyncState syncState) {
        return new SyncTopology(connections, topology, props, syncState);
    }

    /**
     * Stamps {@code user_id} with this learner's broker login on everything it publishes (replies,
     * heartbeats, sync answers). The broker refuses a {@code user_id} other than the login, so the
     * api and the peers can tell which learner really sent a message.
     */
    @Bean
    RabbitTemplateCustomizer stampUserId(ConnectionFactory connections) {
        String login = connections.getUsername();
        return template -> {
            template.addBeforePublishPostProcessors(message -> {
                message.getMessageProperties().setUserId(login);
                return message;
            });
            // Publish on a connection apart from the consumers'. A broker may close the whole
            // connection of a client whose reply went to a requester on a node that just died
            // (RabbitMQ 3.10 crashes the publishing channel in direct reply-to delivery): on the
            // consumers' connection that also lost the job's ack, so the job came back, was
            // answered to the same dead requester, and took the consumers down again, while the
            // learner's heartbeats said it was fine.
            template.setUsePublisherConnection(true);
        };
    }

    /**
     * Spring's connections as the broker's UI shows them: {@code learner-3} (the job and sync
     * consumers) and {@code learner-3.publisher} (replies, heartbeats, sync answers; Spring adds
     * the suffix to the publisher connection's name).
     */
    @Bean
    org.springframework.amqp.rabbit.connection.ConnectionNameStrategy connectionNames(LearnerProperties props) {
        return factory -> props.id();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** On shutdown the joint-training processes this learner started are killed with it. */
    @Bean(destroyMethod = "close")
    Learner learner(LearnerProperties props, TrainingProperties training, JointProperties jointProps, Clock clock) {
        var settings = new Learner.Settings(props.id(), props.shard(), props.dataDir(), props.retention(),
                props.retentionMaxAge(), props.removalsKept());
        var trainer = new MemberTrainer(clock, training.effectiveThreads(Runtime.getRuntime().availableProcessors()));
        // each learner its own folder: learners that share a host share its temporary folder
        var joint = new JointTrainer(new JointTrainer.Settings(jointProps.trackerHost(), jointProps.childJvmOptions(),
                jointProps.workPath().resolve(props.id()), trainer.threads(), jointProps.peerTimeout()), clock);
        Learner learner = new Learner(settings, new MemberStore(props.memberDir()), trainer, joint, clock);
        learner.loadPersisted();
        return learner;
    }

    @Bean
    DatasetStore datasetStore(LearnerProperties props) {
        DatasetStore store = new DatasetStore(props.dataDir(), props.shard());
        store.cleanIncoming();
        return store;
    }

    @Bean
    DatasetJobs datasetJobs(LearnerProperties props, DatasetStore store, CachingConnectionFactory connections,
            RabbitConnectionDetails details, Identities identities, Clock clock) {
        return new DatasetJobs(props.id(), props.shard(), store,
                StreamPartSources.of(new AllNodesConnectionFactory(connections.getRabbitConnectionFactory(),
                        details.getAddresses().stream().map(a -> new Address(a.host(), a.port())).toList()),
                        identities::isApi, props.id()),
                props.datasetReadTimeout(), clock);
    }
}
