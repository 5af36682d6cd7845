package org.mlensemble.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mlensemble.common.messaging.Headers;

/**
 * Raw AMQP for the tests that attack the cluster from the broker side (poison messages, forgeries):
 * a learner frozen while the api waits for it, and a tap on the jobs fanout that answers the api's
 * next predict itself, under that predict's correlation id.
 */
final class RawJobs {

    static final String JOBS = Broker.PREFIX + ".jobs";

    private RawJobs() {
    }

    /** Answers one predict job: publish whatever replies to {@code job.getReplyTo()}. */
    @FunctionalInterface
    interface PredictAnswer {
        void answer(Channel tap, AMQP.BasicProperties job) throws IOException;
    }

    /** A learner stopped with SIGSTOP, continued with SIGCONT when closed. */
    static final class Frozen implements AutoCloseable {
        private final E2eCluster cluster;
        private final String name;

        private Frozen(E2eCluster cluster, String name) {
            this.cluster = cluster;
            this.name = name;
            signal("STOP");
        }

        @Override
        public void close() {
            signal("CONT");
        }

        private void signal(String signal) {
            Shell.run(Duration.ofSeconds(10), Map.of(), cluster.repo,
                    List.of("kill", "-" + signal, Long.toString(cluster.pid(name)))).orThrow();
            E2eCluster.log("sent SIG%s to %s", signal, name);
        }
    }

    /**
     * Freezes learner {@code name}: it keeps its broker connection and its place in presence for a
     * while, so the api still waits for it until each request's deadline.
     */
    static Frozen freeze(E2eCluster cluster, String name) {
        return new Frozen(cluster, name);
    }

    /**
     * Binds a fresh queue of {@code tap} to the jobs fanout and answers the first predict job that
     * asks for a reply with {@code answer}.
     *
     * @return the queue: unbind it from {@link #JOBS} to stop tapping
     */
    static String answerFirstPredict(Channel tap, PredictAnswer answer) throws IOException {
        String q = tap.queueDeclare().getQueue();
        tap.queueBind(q, JOBS, "");
        AtomicBoolean answered = new AtomicBoolean();
        tap.basicConsume(q, true, new DefaultConsumer(tap) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties job, byte[] body)
                    throws IOException {
                Object type = job.getHeaders() == null ? null : job.getHeaders().get(Headers.JOB_TYPE);
                if ("predict".equals(String.valueOf(type)) && job.getReplyTo() != null
                        && answered.compareAndSet(false, true)) {
                    answer.answer(getChannel(), job);
                }
            }
        });
        return q;
    }

    /** Properties of a raw JSON message; {@code userId} null leaves it out (the broker then sets none). */
    static AMQP.BasicProperties.Builder json(String userId) {
        return new AMQP.BasicProperties.Builder().contentType("application/json").userId(userId)
                .messageId(UUID.randomUUID().toString());
    }
}
