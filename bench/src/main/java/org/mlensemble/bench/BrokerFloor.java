package org.mlensemble.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.ReplyStatus;

/**
 * The broker's own floor for a predict: the same scatter-gather as the api and its learners, on
 * the plain amqp-client, with nothing else. One fanout publish with direct reply-to, one queue per
 * member, each consumed on a connection of its own (as a learner process does) that acknowledges
 * the job and answers at once; the gather is done when every member has answered. The job and
 * reply bodies are the ones of a one-row predict: the row given by {@code --body} encoded as a
 * {@link PredictJob}, and a {@link JobReply} with one prediction, so the broker moves the same
 * bytes as for the real thing. A fixed number of gathers is kept in flight (closed loop), like wrk's
 * connections against the api.
 * <p>
 * {@code java -cp CLASSPATH org.mlensemble.bench.BrokerFloor --uri amqp://USER:PW@HOST:PORT/VHOST
 * --body ONE_ROW.json [--queues 4] [--in-flight 64] [--duration S] [--warmup S]}
 * <p>
 * Prints one JSON line: gathers per second over the measured part, latency percentiles, body sizes.
 * Everything it declares is server-named, exclusive or auto-deleted: nothing stays on the broker.
 */
public final class BrokerFloor {

    /** What one run measured. */
    public record Result(int queues, int inFlight, int requestBytes, int replyBytes, double seconds, long gathers,
            double gathersPerSecond, double p50Ms, double p99Ms, long wrongReplies) {

        public String json() {
            return String.format(Locale.ROOT,
                    "{\"queues\":%d,\"inFlight\":%d,\"requestBytes\":%d,\"replyBytes\":%d,\"seconds\":%.2f,"
                            + "\"gathers\":%d,\"gathersPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                            + "\"wrongReplies\":%d}",
                    queues, inFlight, requestBytes, replyBytes, seconds, gathers, gathersPerSecond, p50Ms, p99Ms,
                    wrongReplies);
        }
    }

    /** The bodies a one-row predict puts on the broker: the job, and one member's reply. */
    public record Bodies(byte[] job, byte[] reply) {

        /** Encodes {@code columns} (one value per column) as the api and a learner would. */
        public static Bodies ofOneRow(Map<String, List<Object>> columns) {
            byte[] job = MessageCodec.encode(new PredictJob("m-floor", columns, 1));
            byte[] reply = MessageCodec.encode(new JobReply("learner-1", "A", JobType.PREDICT, "m-floor",
                    ReplyStatus.OK, null, new double[] {181234.5678}, null, null, 1));
            return new Bodies(job, reply);
        }
    }

    private final ConnectionFactory factory;
    private final Bodies bodies;
    private final int queues;
    private final int inFlight;

    public BrokerFloor(ConnectionFactory factory, Bodies bodies, int queues, int inFlight) {
        if (queues < 1 || inFlight < 1) {
            throw new IllegalArgumentException("queues and in-flight must be at least 1");
        }
        this.factory = factory;
        this.bodies = bodies;
        this.queues = queues;
        this.inFlight = inFlight;
    }

    public static void main(String[] args) throws Exception {
        String uri = "amqp://guest:guest@127.0.0.1:5672/%2f";
        Path body = null;
        int queues = 4;
        int inFlight = 64;
        double duration = 10;
        double warmup = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--uri" -> uri = v;
                case "--body" -> body = Path.of(v);
                case "--queues" -> queues = Integer.parseInt(v);
                case "--in-flight" -> inFlight = Integer.parseInt(v);
                case "--duration" -> duration = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (body == null) {
            System.err.println("usage: BrokerFloor --body ONE_ROW.json [--uri amqp://...] [--queues 4] [--in-flight 64]"
                    + " [--duration 10] [--warmup 2]");
            System.exit(2);
        }
        @SuppressWarnings("unchecked")
        Map<String, List<Object>> columns = MessageCodec.mapper().readValue(Files.readAllBytes(body), Map.class);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setConnectionTimeout(5000);
        System.out.println(new BrokerFloor(factory, Bodies.ofOneRow(columns), queues, inFlight)
                .run(millis(warmup), millis(duration)).json());
        System.exit(0);
    }

    private static long millis(double seconds) {
        return Math.round(seconds * 1000);
    }

    /** Runs {@code warmupMs} unmeasured, then {@code durationMs} measured, then drains. */
    public Result run(long warmupMs, long durationMs) throws IOException, InterruptedException {
        List<Connection> open = new ArrayList<>();
        try {
            Connection scatter = factory.newConnection("bench-floor-scatter");
            open.add(scatter);
            Channel out = scatter.createChannel();
            String exchange = "bench-floor-" + UUID.randomUUID();
            out.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, false, true, null);
            for (int q = 0; q < queues; q++) {
                Connection member = factory.newConnection("bench-floor-member-" + q);
                open.add(member);
                startMember(member, exchange);
            }
            return gather(out, exchange, warmupMs, durationMs);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot connect to the broker: " + e.getMessage(), e);
        } finally {
            for (Connection c : open) {
                try {
                    c.close(2000);
                } catch (IOException | RuntimeException e) {
                    // closing is best effort: exclusive and auto-delete objects go with the connection
                }
            }
        }
    }

    /** One member: its own queue bound to the fanout, acknowledging and answering each job at once. */
    private void startMember(Connection connection, String exchange) throws IOException {
        Channel ch = connection.createChannel();
        String queue = ch.queueDeclare("", false, true, true, null).getQueue();
        ch.queueBind(queue, exchange, "");
        ch.basicQos(250); // Spring AMQP's default prefetch, as the learners' listeners have
        byte[] reply = bodies.reply();
        ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                AMQP.BasicProperties answer = new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .correlationId(props.getCorrelationId())
                        .build();
                ch.basicPublish("", props.getReplyTo(), answer, reply);
                ch.basicAck(envelope.getDeliveryTag(), false);
            }
        });
    }

    private Result gather(Channel out, String exchange, long warmupMs, long durationMs)
            throws IOException, InterruptedException {
        Map<String, long[]> pending = new ConcurrentHashMap<>(); // id -> {start nanos, replies}
        AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong measuredTo = new AtomicLong(Long.MAX_VALUE);
        AtomicLong wrong = new AtomicLong();
        AtomicInteger outstanding = new AtomicInteger();
        long[][] latencies = {new long[1 << 16]};
        int[] recorded = {0};
        CountDownLatch drained = new CountDownLatch(1);
        Object publishLock = new Object();
        byte[] job = bodies.job();

        Runnable[] publish = new Runnable[1];
        publish[0] = () -> {
            String id = UUID.randomUUID().toString();
            pending.put(id, new long[] {System.nanoTime(), 0});
            outstanding.incrementAndGet();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .correlationId(id)
                    .replyTo("amq.rabbitmq.reply-to")
                    .expiration("30000")
                    .deliveryMode(1)
                    .headers(Map.of(Headers.JOB_TYPE, JobType.PREDICT.wireName()))
                    .build();
            try {
                synchronized (publishLock) {
                    out.basicPublish(exchange, "", props, job);
                }
            } catch (IOException e) {
                throw new IllegalStateException("publish failed: " + e.getMessage(), e);
            }
        };
        out.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(out) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                long[] p = props.getCorrelationId() == null ? null : pending.get(props.getCorrelationId());
                if (p == null || body.length != bodies.reply().length) {
                    wrong.incrementAndGet();
                    return;
                }
                if (++p[1] < queues) {
                    return; // one consumer thread per channel: the count needs no lock
                }
                pending.remove(props.getCorrelationId());
                long end = System.nanoTime();
                if (end >= measuredFrom.get() && end <= measuredTo.get()) {
                    if (recorded[0] == latencies[0].length) {
                        latencies[0] = Arrays.copyOf(latencies[0], latencies[0].length * 2);
                    }
                    latencies[0][recorded[0]++] = end - p[0];
                }
                outstanding.decrementAndGet();
                if (end < measuredTo.get()) {
                    publish[0].run();
                } else if (outstanding.get() == 0) {
                    drained.countDown();
                }
            }
        });
        long start = System.nanoTime();
        measuredFrom.set(start + warmupMs * 1_000_000);
        measuredTo.set(measuredFrom.get() + durationMs * 1_000_000);
        for (int i = 0; i < inFlight; i++) {
            publish[0].run();
        }
        long waitMs = warmupMs + durationMs + 10_000;
        if (!drained.await(waitMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(outstanding.get() + " gathers still open " + waitMs
                    + " ms after the start: replies were lost");
        }
        int n = recorded[0];
        long[] sorted = Arrays.copyOf(latencies[0], n);
        Arrays.sort(sorted);
        double seconds = durationMs / 1000.0;
        return new Result(queues, inFlight, job.length, bodies.reply().length, seconds, n, n / seconds,
                LoadGen.pct(sorted, 0.50), LoadGen.pct(sorted, 0.99), wrong.get());
    }
}
