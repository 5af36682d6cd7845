package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Only rejected jobs are dead-lettered, and the dead-letter queue is bounded. One of two learners
 * is stopped so that its queue keeps what the jobs fanout gives it: a predict whose deadline
 * passes there expires (and must be dropped), while a job the running learner cannot read is
 * rejected (and must be kept). Run with classic and with quorum job queues.
 */
class DeadLetterTest {

    @ParameterizedTest
    @ValueSource(strings = {"classic", "quorum"})
    void onlyRejectedJobsAreDeadLetteredNeverExpiredOnes(String queueType) throws Exception {
        try (Cluster cluster = Cluster.of(List.of("A", "B"), "ml.queue-type=" + queueType,
                "ml.dead-letter-max-length=50")) {
            Topology topology = new Topology(cluster.prefix);
            String dlq = topology.deadLetterQueue();
            String stoppedQueue = topology.learnerQueue("learner-2");
            cluster.stopLearner("learner-2");
            var raw = cluster.api().getBean(CachingConnectionFactory.class).getRabbitConnectionFactory();
            try (Connection conn = raw.newConnection("dead-letter-test"); Channel ch = conn.createChannel()) {
                // the queue is bounded: redeclaring it with exactly these arguments is accepted
                Map<String, Object> bounded = new HashMap<>(Map.of("x-max-length", 50, "x-overflow", "drop-head"));
                if (queueType.equals("quorum")) {
                    bounded.put("x-queue-type", "quorum");
                }
                ch.queueDeclare(dlq, true, false, false, bounded);

                // straight into the stopped learner's queue: a running learner would take it before it expires
                Map<String, Object> expiring = Map.of(Headers.JOB_TYPE, "predict", "x-test", "expiring");
                ch.basicPublish("", stoppedQueue, new AMQP.BasicProperties.Builder().headers(expiring)
                        .expiration("300").build(), "{\"modelId\":\"m\",\"columns\":{},\"rows\":0}"
                                .getBytes(StandardCharsets.UTF_8));
                // to both learners' queues: the running one rejects it, the stopped one keeps it
                ch.basicPublish(topology.jobsExchange(), "", poison("poison"), NOT_JSON);

                await("the predict expires in the stopped learner's queue").atMost(Duration.ofSeconds(15))
                        .until(() -> ch.queueDeclarePassive(stoppedQueue).getMessageCount() == 1);
                await("the rejected job is dead-lettered").atMost(Duration.ofSeconds(15))
                        .until(() -> ch.queueDeclarePassive(dlq).getMessageCount() >= 1);
                await("the running learner counted its rejection").atMost(Duration.ofSeconds(5))
                        .until(() -> rejections(cluster) >= 1);
                assertThat(ch.queueDeclarePassive(dlq).getMessageCount()).as("dead letters").isEqualTo(1);
                GetResponse got = ch.basicGet(dlq, true);
                Map<String, Object> h = got.getProps().getHeaders();
                assertThat(String.valueOf(h.get("x-test"))).isEqualTo("poison");
                assertThat(String.valueOf(h.get("x-first-death-reason"))).isEqualTo("rejected");
                assertThat(String.valueOf(h.get("x-first-death-queue"))).isEqualTo(topology.learnerQueue("learner-1"));

                // bounded: of a flood of 80 rejected jobs the newest 50 are kept
                double before = rejections(cluster);
                for (int i = 0; i < 80; i++) {
                    ch.basicPublish(topology.jobsExchange(), "", poison("flood-" + i), NOT_JSON);
                }
                await("the flood is rejected").atMost(Duration.ofSeconds(30))
                        .until(() -> rejections(cluster) >= before + 80);
                await().atMost(Duration.ofSeconds(5)).until(() -> ch.queueDeclarePassive(dlq).getMessageCount() == 50);
                assertThat(ch.basicGet(dlq, true).getProps().getHeaders().get("x-test").toString())
                        .as("the oldest are dropped").isNotEqualTo("flood-0");
                ch.queuePurge(stoppedQueue);
            }
        }
    }

    private static final byte[] NOT_JSON = "{not json".getBytes(StandardCharsets.UTF_8);

    private static AMQP.BasicProperties poison(String marker) {
        return new AMQP.BasicProperties.Builder().headers(Map.of(Headers.JOB_TYPE, "predict", "x-test", marker))
                .build();
    }

    /** Jobs learner-1 rejected: unreadable, or not from an api user. */
    private static double rejections(Cluster cluster) {
        MeterRegistry meters = cluster.learner("learner-1").getBean(MeterRegistry.class);
        return meters.counter("ml.learner.jobs.dead.lettered").count() + meters.counter("ml.learner.jobs.forged").count();
    }
}
