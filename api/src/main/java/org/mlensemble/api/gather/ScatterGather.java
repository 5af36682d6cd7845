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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Direct reply-to is at-most-once: if a channel dies its replies are lost. Its transient jobs
 * (predict, evaluate: read-only) are sent again on another channel, whose connection goes to a live
 * broker node; its other gathers are completed at once with what they have. The next publish opens
 * a new channel.
 * <p>
 * Jobs are published with publisher confirms. The broker confirms a job once every queue it was
 * routed to has taken it: at once for a classic queue, once a majority of its nodes has it for a
 * quorum queue. A job the broker refuses (nack), or a transient job (predict, evaluate) it does
 * not confirm within the confirm timeout, fails its request with {@link BrokerUnavailableException}:
 * on a cluster that has lost the majority of its nodes the connection still opens, but no quorum
 * queue takes a job (the broker nacks it, or never confirms it), and without this the request
 * would wait for its whole deadline for replies that cannot come. Waiting for a
 * confirm costs a request nothing when all is well: a reply that comes first answers it.
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

    /**
     * @param channel the channel it was published on (a holder: a job is sent again on another
     *                channel when its channel is lost)
     * @param job     what was published, kept for a transient job so that it can be sent again
     *                (null for a durable one)
     */
    private record Pending(Gather gather, CompletableFuture<GatherResult> future, ReplyChannel[] channel,
            ScheduledFuture<?>[] timer, AtomicBoolean confirmed, Job job, AtomicInteger resends) {
    }

    private record Job(String exchange, AMQP.BasicProperties props, byte[] body) {
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
    /** Jobs the broker refused or did not confirm in time. */
    private final Counter unconfirmed;
    /** Transient jobs sent again because the channel they went out on was lost. */
    private final Counter resent;
    private final Identities identities;
    private final MeterRegistry meters;
    private final String connectionName;
    private final long confirmTimeoutMs;

    public ScatterGather(ConnectionFactory factory, Topology topology, int channelCount, Clock clock,
            MeterRegistry meters) {
        this(factory, topology, channelCount, clock, meters, null, Identities.defaults(), DEFAULT_CONFIRM_TIMEOUT);
    }

    /** How often a transient job the broker refused is sent again on a new channel. */
    static final int RESENDS_AFTER_REFUSAL = 3;

    /** How long a job may wait for the broker's confirm before its request fails, by default. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(1);

    /**
     * @param liveLearners who is alive now, from presence; gathers stop waiting for learners that
     *                     die while a request is in flight (null: wait for them until the deadline)
     * @param identities   which broker user may answer for which learner; a reply whose
     *                     {@code user_id} does not vouch for its learner id is dropped
     * @param confirmTimeout how long a job may wait for the broker's confirm (see the class comment)
     */
    public ScatterGather(ConnectionFactory factory, Topology topology, int channelCount, Clock clock,
            MeterRegistry meters, Supplier<Set<String>> liveLearners, Identities identities, Duration confirmTimeout) {
        this(factory, topology, channelCount, clock, meters, liveLearners, identities, confirmTimeout, "api");
    }

    /** @param instanceName names the connection in the broker's UI: {@code <instanceName> scatter-gather} */
    public ScatterGather(ConnectionFactory factory, Topology topology, int channelCount, Clock clock,
            MeterRegistry meters, Supplier<Set<String>> liveLearners, Identities identities, Duration confirmTimeout,
            String instanceName) {
        this.connectionName = instanceName + " scatter-gather";
        this.factory = factory;
        this.confirmTimeoutMs = confirmTimeout.toMillis();
        this.identities = identities;
        this.meters = meters;
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
        this.unconfirmed = meters.counter("ml.api.jobs.unconfirmed");
        this.resent = meters.counter("ml.api.jobs.resent");
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
        Pending p = new Pending(gather, future, new ReplyChannel[] {channel}, new ScheduledFuture<?>[1],
                new AtomicBoolean(), null, new AtomicInteger());
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
        if (!persistent) {
            p = new Pending(gather, future, p.channel(), p.timer(), p.confirmed(),
                    new Job(topology.jobsExchange(), props, body), p.resends());
            pending.put(correlationId, p);
        }
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
            watchConfirm(correlationId, p);
        }
        return future;
    }

    /**
     * Fails a transient job's request when the broker does not confirm its job in time. Only jobs
     * that are read-only and safe to ask again: a durable job (a fit) that a minority cannot take
     * yet is taken once a majority is back, and trains then.
     */
    private void watchConfirm(String correlationId, Pending p) {
        if (p.job() == null || confirmTimeoutMs >= p.gather().remaining().toMillis()) {
            return;
        }
        timers.schedule(() -> {
            if (!p.confirmed().get()) {
                notTaken(correlationId, p, p.channel()[0], 1, "no broker node took the job within " + confirmTimeoutMs
                        + " ms (a cluster without a majority of its nodes?)");
            }
        }, confirmTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * A job the broker refused or did not confirm in time. The channel is replaced: after a broker
     * node is lost, a channel that had sent to a quorum queue led from that node can keep refusing
     * that queue for many seconds, while a new channel finds the new leader at once. A transient
     * job is sent again on another channel, at most {@code maxResends} times within its deadline:
     * a refusal comes at once and a fresh channel usually cures it, so it gets {@link
     * #RESENDS_AFTER_REFUSAL}; an unconfirmed job has already waited the confirm timeout, so it
     * gets one. Then its request fails.
     */
    private void notTaken(String correlationId, Pending p, ReplyChannel on, int maxResends, String why) {
        if (!pending.containsKey(correlationId)) {
            return;
        }
        on.discard();
        if (p.job() != null && p.resends().getAndIncrement() < maxResends && p.gather().remaining().toMillis() > 0) {
            resend(correlationId);
        } else {
            refuse(correlationId, why);
        }
    }

    /**
     * Sends a transient job again on another channel, under the same correlation id, after the
     * channel it went out on was lost with its replies (its connection's broker node died).
     * Predict and evaluate only read, so a learner that answers twice does no harm; the gather
     * keeps the replies it already has and counts any second one as a duplicate.
     */
    private void resend(String correlationId) {
        Pending p = pending.get(correlationId);
        if (p == null) {
            return;
        }
        if (p.gather().remaining().toMillis() <= 0 || timers.isShutdown()) {
            finish(correlationId);
            return;
        }
        ReplyChannel channel = channels[Math.floorMod(next.getAndIncrement(), channels.length)];
        p.channel()[0] = channel;
        p.confirmed().set(false);
        try {
            channel.publish(correlationId, p.job().exchange(), p.job().props(), p.job().body());
            resent.increment();
            watchConfirm(correlationId, p);
        } catch (IOException | RuntimeException e) {
            log.debug("could not send job {} again: {}", correlationId, e.toString());
            finish(correlationId);
        }
    }

    /** The broker confirmed (or refused) the jobs published on a channel under these sequence numbers. */
    private void onConfirm(ReplyChannel on, Map<Long, String> jobs, boolean accepted) {
        List<String> ids = List.copyOf(jobs.values());
        jobs.clear();
        for (String id : ids) {
            Pending p = pending.get(id);
            if (p == null) {
                continue;
            }
            if (accepted) {
                p.confirmed().set(true);
            } else {
                // off the connection's thread: a resend may open a channel, which waits for the broker
                try {
                    timers.execute(() -> notTaken(id, p, on, RESENDS_AFTER_REFUSAL, "the broker refused the job"));
                } catch (RejectedExecutionException e) {
                    refuse(id, "the broker refused the job");
                }
            }
        }
    }

    /** Fails a request whose job the broker did not take; replies for it are late from now on. */
    private void refuse(String correlationId, String why) {
        Pending p = pending.remove(correlationId);
        if (p == null) {
            return; // answered meanwhile
        }
        ScheduledFuture<?> t = p.timer()[0];
        if (t != null) {
            t.cancel(false);
        }
        p.gather().close();
        unconfirmed.increment();
        p.future().completeExceptionally(new BrokerUnavailableException(why, null));
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
            lateFrom(userId, body);
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
            case LATE -> {
                late.increment();
                lateBy(reply.learnerId());
            }
            case DUPLICATE -> duplicate.increment();
            case HEDGED -> hedged.increment();
            case ACCEPTED -> {
                if (gather.isComplete()) {
                    finish(correlationId);
                }
            }
        }
    }

    /** A late reply also counts for its learner when it reads well and its sender may speak for it. */
    private void lateFrom(String userId, byte[] body) {
        try {
            JobReply reply = MessageCodec.decode(body, JobReply.class);
            if (Names.isSafeName(reply.learnerId()) && identities.vouchesForLearner(userId, reply.learnerId())) {
                lateBy(reply.learnerId());
            }
        } catch (MalformedMessageException e) {
            // counted as late above; who sent it cannot be told
        }
    }

    private void lateBy(String learnerId) {
        meters.counter("ml.api.learner.replies.late", "learner", learnerId).increment();
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
                c = factory.newConnection(connectionName);
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
        /** Sequence number -> correlation id of the jobs published on the open channel, not yet confirmed. */
        private final ConcurrentNavigableMap<Long, String> unconfirmedJobs = new ConcurrentSkipListMap<>();

        ReplyChannel(int index) {
            this.index = index;
        }

        synchronized void publish(String correlationId, String exchange, AMQP.BasicProperties props, byte[] body)
                throws IOException {
            Channel ch = ensureOpen();
            long seq = ch.getNextPublishSeqNo();
            unconfirmedJobs.put(seq, correlationId);
            try {
                ch.basicPublish(exchange, "", false, props, body);
            } catch (IOException | RuntimeException e) {
                unconfirmedJobs.remove(seq);
                throw e;
            }
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
            unconfirmedJobs.clear(); // sequence numbers start again on a new channel
            ch.confirmSelect();
            ch.addConfirmListener((seq, multiple) -> onConfirm(this, confirmed(seq, multiple), true),
                    (seq, multiple) -> onConfirm(this, confirmed(seq, multiple), false));
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

        /** Drops the open channel (without waiting for the broker); the next publish opens a new one. */
        void discard() {
            Channel ch;
            synchronized (this) {
                ch = channel;
                channel = null;
            }
            if (ch != null) {
                Thread t = new Thread(() -> {
                    try {
                        ch.abort();
                    } catch (IOException | RuntimeException ignored) {
                        // dropped anyway
                    }
                }, "reply-channel-drop");
                t.setDaemon(true);
                t.start();
            }
        }

        private Map<Long, String> confirmed(long seq, boolean multiple) {
            return multiple ? unconfirmedJobs.headMap(seq, true) : unconfirmedJobs.subMap(seq, true, seq, true);
        }

        private void onChannelLost(Channel lost, ShutdownSignalException sig) {
            if (!sig.isInitiatedByApplication()) {
                log.warn("reply channel {} lost: {}", index, sig.getMessage());
            }
            synchronized (this) {
                if (channel != null && channel != lost) {
                    return; // an old channel, dropped and already replaced: its jobs were handled then
                }
            }
            // replies for this channel can no longer arrive: send its transient jobs again (the
            // channel's node may have died: the next publish opens a connection to another one), and
            // answer the others now with what they have
            pending.forEach((id, p) -> {
                if (p.channel()[0] == this) {
                    if (p.job() != null && !timers.isShutdown()) {
                        try {
                            timers.execute(() -> resend(id));
                        } catch (RejectedExecutionException e) {
                            finish(id);
                        }
                    } else {
                        finish(id);
                    }
                }
            });
        }
    }
}
