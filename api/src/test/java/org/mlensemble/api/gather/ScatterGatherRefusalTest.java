package org.mlensemble.api.gather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.Topology;

/**
 * What the scatter-gather does when the broker refuses a transient job, as a quorum queue does
 * while it elects a new leader after its node died. The local broker plays the part with a queue
 * that refuses every message ({@code x-max-length} 0, {@code reject-publish}). Skips when no broker
 * listens on 127.0.0.1:5672.
 */
class ScatterGatherRefusalTest {

    private final Topology topology = new Topology("sg-refusal-" + UUID.randomUUID().toString().substring(0, 8));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Clock clock = Clock.systemUTC();
    private ConnectionFactory factory;
    private Connection admin;
    private Channel setup;
    private ScatterGather scatterGather;
    private String refuser;
    private String worker;

    @BeforeEach
    void declare() throws Exception {
        factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setConnectionTimeout(2000);
        try {
            admin = factory.newConnection("scatter-gather refusal test");
        } catch (Exception e) {
            assumeTrue(false, "no broker at 127.0.0.1:5672: " + e.getMessage());
        }
        setup = admin.createChannel();
        setup.exchangeDeclare(topology.jobsExchange(), "fanout", false, true, null);
        refuser = setup.queueDeclare(topology.prefix() + ".refuser", false, false, true,
                Map.of("x-max-length", 0, "x-overflow", "reject-publish")).getQueue();
        worker = setup.queueDeclare(topology.prefix() + ".worker", false, false, true, null).getQueue();
        // a learner that answers every job it gets, as learner-1 of shard A
        Channel serve = admin.createChannel();
        serve.basicConsume(worker, true, (tag, m) -> serve.basicPublish("", m.getProperties().getReplyTo(),
                new AMQP.BasicProperties.Builder().correlationId(m.getProperties().getCorrelationId())
                        .userId("guest").build(),
                MessageCodec.encode(new JobReply("learner-1", "A", JobType.PREDICT, "m-1", ReplyStatus.OK, null,
                        new double[] {42.0}, null, null, 1))), tag -> { });
        scatterGather = new ScatterGather(factory, topology, 2, clock, meters, null,
                new Identities("guest", Set.of("guest")), Duration.ofSeconds(1));
    }

    @AfterEach
    void close() throws Exception {
        if (scatterGather != null) {
            scatterGather.close();
        }
        if (admin != null) {
            setup.queueDelete(refuser);
            setup.queueDelete(worker);
            setup.exchangeDelete(topology.jobsExchange());
            admin.close();
        }
    }

    @Test
    void aJobRefusedForAWhileIsSentAgainAfterABackoffAndAnswered() throws Exception {
        setup.queueBind(refuser, topology.jobsExchange(), "");
        var reply = scatterGather.scatter(JobType.PREDICT, "{}".getBytes(StandardCharsets.UTF_8), gather(3000),
                3000, System.currentTimeMillis() + 3000, false);
        // the refusals go on for 400 ms, as an election does; then the job reaches the learner
        Thread.sleep(400);
        setup.queueBind(worker, topology.jobsExchange(), "");
        setup.queueUnbind(refuser, topology.jobsExchange(), "");

        GatherResult result = reply.get(5, TimeUnit.SECONDS);

        assertThat(result.quorumMet()).as(result.toString()).isTrue();
        assertThat(result.used()).isEqualTo(1);
        assertThat(meters.counter("ml.api.jobs.resent").count()).as("resends").isGreaterThanOrEqualTo(2);
        assertThat(meters.counter("ml.api.jobs.unconfirmed").count()).as("requests failed").isZero();
    }

    @Test
    void aJobRefusedUntilItsDeadlineFailsItsRequestAsRefusedNotAsLost() throws Exception {
        setup.queueBind(refuser, topology.jobsExchange(), "");
        var reply = scatterGather.scatter(JobType.PREDICT, "{}".getBytes(StandardCharsets.UTF_8), gather(1500),
                1500, System.currentTimeMillis() + 1500, false);

        ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(5, TimeUnit.SECONDS));

        assertThat(e.getCause()).isInstanceOf(ScatterGather.BrokerUnavailableException.class)
                .hasMessageContaining("refused");
        assertThat(meters.counter("ml.api.jobs.resent").count()).as("resends").isGreaterThanOrEqualTo(3);
        assertThat(meters.counter("ml.api.jobs.unconfirmed").count()).isEqualTo(1);
    }

    @Test
    void aDurableJobTheBrokerRefusesFailsAtOnce() throws Exception {
        setup.queueBind(refuser, topology.jobsExchange(), "");
        var reply = scatterGather.scatter(JobType.FIT, "{}".getBytes(StandardCharsets.UTF_8), gather(3000),
                3000, System.currentTimeMillis() + 3000, true);

        ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(2, TimeUnit.SECONDS));

        assertThat(e.getCause()).hasMessageContaining("refused");
        assertThat(meters.counter("ml.api.jobs.resent").count()).isZero();
    }

    private Gather gather(long deadlineMs) {
        return new Gather(Map.of("learner-1", "A"), List.of("learner-1"), 1, Instant.now().plusMillis(deadlineMs),
                clock, Gather.Mode.FIRST_PER_SHARD);
    }
}
