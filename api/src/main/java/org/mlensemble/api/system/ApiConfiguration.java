package org.mlensemble.api.system;

import com.rabbitmq.client.Address;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.mlensemble.api.ensemble.BrokerEnsemble;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.PredictBatcher;
import org.mlensemble.api.gather.ScatterGather;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.broker.AllNodesConnectionFactory;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.Topology;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The api's broker topology, declared in one place, and the beans behind {@link Ensemble}: the
 * jobs fanout it publishes to, and a private, auto-deleted queue on the presence fanout.
 */
@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

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
    Queue presenceQueue(Topology topology) {
        // a plain exclusive queue: AnonymousQueue adds a leader-locator argument older brokers refuse
        String name = new Base64UrlNamingStrategy(topology.presenceQueuePrefix()).generateName();
        return new Queue(name, false, true, true);
    }

    @Bean
    Declarables apiTopology(Topology topology, Queue presenceQueue) {
        FanoutExchange jobs = new FanoutExchange(topology.jobsExchange(), true, false);
        FanoutExchange presence = new FanoutExchange(topology.presenceExchange(), true, false);
        return new Declarables(jobs, presence, BindingBuilder.bind(presenceQueue).to(presence));
    }

    /** Registered with Spring's JSON mapper: no {@code "NaN"} strings in numeric fields. */
    @Bean
    tools.jackson.databind.JacksonModule finiteNumbers() {
        return FiniteNumbers.module();
    }

    /** Spring's connection (presence, topology) as the broker's UI shows it: {@code api-1 presence}. */
    @Bean
    org.springframework.amqp.rabbit.connection.ConnectionNameStrategy connectionNames(ApiProperties props) {
        return factory -> props.instanceName() + " presence";
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Membership membership(Clock clock, ApiProperties props) {
        return new Membership(clock, props.liveness(), props.forgetAfter());
    }

    /**
     * The client factory for the connections the api opens by hand (scatter-gather, dataset
     * streams): Spring's settings, every node's address.
     */
    @Bean
    com.rabbitmq.client.ConnectionFactory allNodes(CachingConnectionFactory connections,
            RabbitConnectionDetails details) {
        return new AllNodesConnectionFactory(connections.getRabbitConnectionFactory(),
                details.getAddresses().stream().map(a -> new Address(a.host(), a.port())).toList());
    }

    @Bean(destroyMethod = "close")
    ScatterGather scatterGather(com.rabbitmq.client.ConnectionFactory allNodes, Topology topology, ApiProperties props,
            BrokerProperties broker, Clock clock, MeterRegistry meters, Membership membership, Identities identities) {
        ScatterGather sg = new ScatterGather(allNodes, topology, props.replyChannels(), clock, meters, membership::live,
                identities, broker.jobConfirmTimeout(), props.instanceName());
        sg.connect();
        return sg;
    }

    /** Sends the predict jobs that queued behind others; one thread, as publishing is quick. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService predictBatches() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "predict-batches");
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    Ensemble ensemble(ScatterGather scatterGather, Membership membership, Clock clock, ApiProperties props,
            MeterRegistry meters, ScheduledExecutorService predictBatches) {
        ApiProperties.Batching b = props.batching();
        return new BrokerEnsemble(scatterGather, membership, clock, props.fitCatchUp(), meters,
                new PredictBatcher.Settings(b.enabled(), b.maxInFlight(), b.maxRows(), b.maxHold()), predictBatches);
    }
}
