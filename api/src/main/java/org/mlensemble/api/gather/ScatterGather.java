package org.mlensemble.api.gather;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.PredictJobCodec;
import org.mlensemble.common.messaging.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a job to every learner and gathers their direct replies until the {@link Gather}
 * is complete. Spring's templates complete on the first reply, so this keeps its own consumers
 * on {@code amq.rabbitmq.reply-to}: a few channels, each consuming its replies (no-ack, as direct
 * reply-to requires) and publishing under a lock, because a channel must not interleave
 * publishes from several threads. A map from correlation id to pending gather attributes every
 * reply; nobody waits on a thread: a reply or the deadline timer completes a future.
 * <p>
 * Direct reply-to is at-most-once: if a channel dies its replies are lost. The gathers on it
 * are completed at once with what they have, and the next publish opens a new channel.
 */
public final class ScatterGather implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScatterGather.class);
    private static final long LIVENESS_SWEEP_MS = 250;

    /** A broker that cannot be reached; maps to 503. */
    public static class BrokerUnavailableException extends RuntimeException {
        BrokerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Pending(Gather gather, CompletableFuture<GatherResult> future, ReplyChannel channel,
            ScheduledFuture<?>[] timer) {
    }

    private final ConnectionFactory factory;
    private final Topology topology;
    private final Clock clock;
    private final ReplyChannel[] channels;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Gathers already answered, until their deadline: a reply for one may be a replica's hedge. */
    private final Map<String, Gather> answered = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gather-deadlines");
        t.setDaemon(true);
        return t;
    });
    private final Object connectionLock = new Object();
    private volatile Connection connection;
    private final Counter late;
    private final Counter malformed;
    private final Counter duplicate;
    /** Successful replies from a replica of a shard that another replica had already answered. */
    private final Counter hedged;
    /** Replies whose {@code user_id} is not the broker user of the learner they claim to be from. */
    private final Counter forged;
    /** Replies from a learner the gather did not send the job to. */
    private final Counter unexpected;
    private final Identities identities;

    public ScatterGather(ConnectionFactory factory, Topology topology, int channelCount, Clock clock,
            MeterRegistry meters) {
        this(factory, topology, channelCount, clock, meters, null, Identities.defaults());
    }

    /**
     * @param liveLearners who is alive now, from presence; gathers stop waiting for learners that
     *                     die while a request is in flight (null: wait for them until the deadline)
     * @param identities   which broker user may answer for which learner; a reply whose
     *                     {@code user_id} does not vouch for its learner id is dropped
     */
    public ScatterGather(ConnectionFactory factory, Topology topology, int channelCount, Clock clock,
            MeterRegistry meters, Supplier<Set<String>> liveLearners, Identities identities) {
        this.factory = factory;
        this.identities = identities;
        this.topology = topology;
        this.clock = clock;
        this.channels = new ReplyChannel[channelCount];
        for (int i = 0; i < channelCount; i++) {
            channels[i] = new ReplyChannel(i);
        }
        this.late = meters.counter("ml.api.replies.late");
        this.malformed = meters.counter("ml.api.replies.malformed");
        this.duplicate = meters.counter("ml.api.replies.duplicate");
        this.hedged = meters.counter("ml.api.replies.hedged");
        this.forged = meters.counter("ml.api.replies.forged");
        this.unexpected = meters.counter("ml.api.replies.unexpected");
        meters.gauge("ml.api.gathers.in.flight", pending, Map::size);
        if (liveLearners != null) {
            timers.scheduleWithFixedDelay(() -> dropLostLearners(liveLearners), LIVENESS_SWEEP_MS, LIVENESS_SWEEP_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void dropLostLearners(Supplier<Set<String>> liveLearners) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            Set<String> live = liveLearners.get();
            pending.forEach((id, p) -> {
                if (p.gather().retainAwaited(live)) {
                    finish(id);
                }
            });
        } catch (RuntimeException e) {
            // never let the sweep die: the deadline timers still bound every gather
            log.warn("liveness sweep failed: {}", e.toString());
        }
    }

    /**
     * Publishes {@code body} as a job of the given type to the jobs exchange and gathers the
     * replies into {@code gather}.
     *
     * @param expirationMs how long the job may wait in a learner's queue
     * @param persistent   whether the job must survive a broker restart (fits do)
     * @throws BrokerUnavailableException when the job cannot be published
     */
    public CompletableFuture<GatherResult> scatter(JobType type, byte[] body, Gather gather, long expirationMs,
            long deadlineEpochMs, boolean persistent) {
        String correlationId = UUID.randomUUID().toString();
        CompletableFuture<GatherResult> future = new CompletableFuture<>();
        ReplyChannel channel = channels[Math.floorMod(next.getAndIncrement(), channels.length)];
        Pending p = new Pending(gather, future, channel, new ScheduledFuture<?>[1]);
        pending.put(correlationId, p);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(PredictJobCodec.isBinary(body) ? PredictJobCodec.CONTENT_TYPE : "application/json")
                .correlationId(correlationId)
                .replyTo(Topology.DIRECT_REPLY_TO)
                .expiration(Long.toString(Math.max(1, expirationMs)))
                .deliveryMode(persistent ? 2 : 1)
                // the broker refuses a user_id other than our login: learners obey only api users
                .userId(factory.getUsername())
                .headers(Map.of(Headers.JOB_TYPE, type.wireName(), Headers.DEADLINE, deadlineEpochMs,
                        Headers.PROTOCOL, Headers.PROTOCOL_VERSION))
                .build();
        try {
            channel.publish(correlationId, topology.jobsExchange(), props, body);
        } catch (IOException | RuntimeException e) {
            pending.remove(correlationId);
            throw new BrokerUnavailableException("cannot publish to the broker: " + e.getMessage(), e);
        }
        if (gather.isComplete()) {
            finish(correlationId);
        } else {
            p.timer()[0] = timers.schedule(() -> finish(correlationId), gather.remaining().toMillis() + 1,
                    TimeUnit.MILLISECONDS);
        }
        return future;
    }

    /** True when the broker connection is open. */
    public boolean connected() {
        Connection c = connection;
        return c != null && c.isOpen();
    }

    /** Opens the connection and the reply consumers now, instead of on the first request. */
    public void connect() {
        for (ReplyChannel c : channels) {
            try {
                c.ensureOpen();
            } catch (IOException | RuntimeException e) {
                log.warn("reply channel {} not open yet: {}", c.index, e.getMessage());
            }
        }
    }

    private void onReply(String correlationId, String userId, byte[] body) {
        if (correlationId == null) {
            malformed.increment();
            return;
        }
        Pending p = pending.get(correlationId);
        Gather gather = p != null ? p.gather() : answered.get(correlationId);
        if (gather == null) {
            late.increment(); // its gather completed long ago, or it was never ours
            return;
        }
        JobReply reply;
        try {
            reply = MessageCodec.decode(body, JobReply.class);
            if (!Names.isSafeName(reply.learnerId()) || !Names.isShardName(reply.shard()) || reply.status() == null) {
                throw new MalformedMessageException("reply without a valid learner id, shard and status");
            }
        } catch (MalformedMessageException e) {
            malformed.increment();
            log.debug("dropped a malformed reply: {}", e.getMessage());
            return;
        }
        if (!identities.vouchesForLearner(userId, reply.learnerId())) {
            forged.increment();
            log.debug("dropped a reply claiming to be from {} published by broker user {}", reply.learnerId(), userId);
            return;
        }
        if (!gather.expects(reply.learnerId())) {
            unexpected.increment();
            log.debug("dropped a reply from {}, which this request was not sent to", reply.learnerId());
            return;
        }
        switch (gather.offer(reply)) {
            case LATE -> late.increment();
            case DUPLICATE -> duplicate.increment();
            case HEDGED -> hedged.increment();
            case ACCEPTED -> {
                if (gather.isComplete()) {
                    finish(correlationId);
                }
            }
        }
    }

    private void finish(String correlationId) {
        Pending p = pending.remove(correlationId);
        if (p == null) {
            return; // someone else finished it
        }
        ScheduledFuture<?> t = p.timer()[0];
        if (t != null) {
            t.cancel(false);
        }
        GatherResult result = p.gather().close();
        long keep = p.gather().remaining().toMillis();
        if (keep > 0 && p.gather().expectsHedges() && !timers.isShutdown()) {
            // the other replicas of its shards may still answer until the deadline: tell those
            // hedges from replies that are merely late
            answered.put(correlationId, p.gather());
            try {
                timers.schedule(() -> answered.remove(correlationId), keep + 1, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                answered.remove(correlationId);
            }
        }
        p.future().complete(result);
    }

    private Connection connection() throws IOException {
        Connection c = connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        synchronized (connectionLock) {
            c = connection;
            if (c != null && c.isOpen()) {
                return c;
            }
            try {
                c = factory.newConnection("api-scatter-gather");
            } catch (TimeoutException e) {
                throw new IOException("timed out connecting to the broker", e);
            }
            connection = c;
            log.info("scatter-gather connected to the broker");
            return c;
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        Connection c = connection;
        if (c != null && c.isOpen()) {
            try {
                c.close(2000);
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
        for (String id : Set.copyOf(pending.keySet())) {
            finish(id);
        }
    }

    /** One channel that publishes jobs and consumes their replies. */
    private final class ReplyChannel {
        private final int index;
        private volatile Channel channel;

        ReplyChannel(int index) {
            this.index = index;
        }

        synchronized void publish(String correlationId, String exchange, AMQP.BasicProperties props, byte[] body)
                throws IOException {
            Channel ch = ensureOpen();
            ch.basicPublish(exchange, "", false, props, body);
        }

        synchronized Channel ensureOpen() throws IOException {
            Channel ch = channel;
            if (ch != null && ch.isOpen()) {
                return ch;
            }
            ch = connection().createChannel();
            if (ch == null) {
                throw new IOException("no channel available");
            }
            Channel opened = ch;
            ch.basicConsume(Topology.DIRECT_REPLY_TO, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    onReply(properties.getCorrelationId(), properties.getUserId(), body);
                }

                @Override
                public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
                    onChannelLost(opened, sig);
                }
            });
            channel = ch;
            return ch;
        }

        private void onChannelLost(Channel lost, ShutdownSignalException sig) {
            if (!sig.isInitiatedByApplication()) {
                log.warn("reply channel {} lost: {}", index, sig.getMessage());
            }
            // replies for this channel can no longer arrive: answer its gathers now
            pending.forEach((id, p) -> {
                if (p.channel() == this) {
                    finish(id);
                }
            });
        }
    }
}
