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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobReplyCodec;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MalformedMessageException;
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
     * @param attempt the latest publish of its job (a job is sent again on another channel when
     *                the channel it went out on is lost or the broker did not take it)
     * @param job     what was published, kept for a transient job so that it can be sent again
     *                (null for a durable one)
     */
    private record Pending(Gather gather, CompletableFuture<GatherResult> future, AtomicReference<Attempt> attempt,
            ScheduledFuture<?>[] timer, Job job, AtomicInteger resends, AtomicLong firstRefusedAtMs) {
    }

    private record Job(String exchange, AMQP.BasicProperties props, byte[] body) {
    }

    /**
     * One open AMQP channel of a {@link ReplyChannel}. Its publish sequence numbers, and so its
     * confirms, are its own: a confirm or refusal that the broker sends on a channel already
     * replaced must never be read against the jobs of the channel that replaced it.
     */
    private record Open(ReplyChannel owner, Channel channel, ConcurrentNavigableMap<Long, String> unconfirmed) {
    }

    /**
     * One publish of a job, on one open channel. Confirms, refusals, confirm timeouts and channel
     * losses act on a job only while this is its latest attempt: what the broker says about an
     * earlier one is history.
     */
    private record Attempt(Open on, AtomicBoolean confirmed) {
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

    /**
     * The first wait before a transient job the broker refused is sent again; each further
     * refusal doubles it. A quorum queue whose leader was lost refuses jobs until a new leader is
     * elected, usually within a second: sending again at once would only be refused again. The
     * refusals of one job are retried for at most the confirm timeout from the first: a cluster
     * without a majority refuses for as long as it lasts, and its requests must fail fast.
     */
    static final long REFUSAL_BACKOFF_FIRST_MS = 50;
    /** How often a transient job is published again when publishing it fails outright. */
    static final int PUBLISH_ATTEMPTS = 3;

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
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(PredictJobCodec.isBinary(body) ? PredictJobCodec.CONTENT_TYPE : "application/json")
                .correlationId(correlationId)
                .replyTo(Topology.DIRECT_REPLY_TO)
                .expiration(Long.toString(Math.max(1, expirationMs)))
                .deliveryMode(persistent ? 2 : 1)
                // the broker refuses a user_id other than our login: learners obey only api users
                .userId(factory.getUsername())
                // predictions may come back as raw doubles (JobReplyCodec)
                .headers(Map.of(Headers.JOB_TYPE, type.wireName(), Headers.DEADLINE, deadlineEpochMs,
                        Headers.PROTOCOL, Headers.PROTOCOL_VERSION, Headers.REPLY_FORMAT, JobReplyCodec.BINARY))
                .build();
        Job job = new Job(topology.jobsExchange(), props, body);
        Pending p = new Pending(gather, future, new AtomicReference<>(), new ScheduledFuture<?>[1],
                persistent ? null : job, new AtomicInteger(), new AtomicLong());
        pending.put(correlationId, p);
        try {
            publish(correlationId, p, job, channel);
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
     * Publishes a job on {@code first}. A transient job whose publish fails outright (its
     * connection's node has just died) goes out on the next channels, over a new connection to a
     * live node, up to {@link #PUBLISH_ATTEMPTS} times; a durable one is not sent twice on a guess.
     */
    private void publish(String correlationId, Pending p, Job job, ReplyChannel first) throws IOException {
        ReplyChannel channel = first;
        for (int attempt = 1; ; attempt++) {
            try {
                channel.publish(correlationId, p, job);
                return;
            } catch (IOException | RuntimeException e) {
                if (p.job() == null || attempt >= PUBLISH_ATTEMPTS || p.gather().remaining().toMillis() <= 0) {
                    throw e;
                }
                log.debug("publish of job {} failed ({}); sending it on another channel", correlationId, e.toString());
                channel = channels[Math.floorMod(next.getAndIncrement(), channels.length)];
            }
        }
    }

    /**
     * Fails a transient job's request when the broker does not confirm its job in time. Only jobs
     * that are read-only and safe to ask again: a durable job (a fit) that a minority cannot take
     * yet is taken once a majority is back, and trains then.
     */
    private void watchConfirm(String correlationId, Pending p) {
        Attempt a = p.attempt().get();
        if (p.job() == null || a == null || confirmTimeoutMs >= p.gather().remaining().toMillis()) {
            return;
        }
        timers.schedule(() -> {
            if (!a.confirmed().get()) {
                notTaken(correlationId, p, a, false, "no broker node took the job within " + confirmTimeoutMs
                        + " ms (a cluster without a majority of its nodes?)");
            }
        }, confirmTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * A job the broker refused or did not confirm in time. The channel is replaced: after a broker
     * node is lost, a channel that had sent to a quorum queue led from that node can keep refusing
     * that queue for many seconds, while a new channel finds the new leader at once.
     * <ul>
     *   <li>A refused transient job is sent again on another channel after a backoff (see {@link
     *       #REFUSAL_BACKOFF_FIRST_MS}), for up to the confirm timeout from its first refusal and
     *       within its deadline: a refusal comes at once, so only time cures an election in
     *       progress.</li>
     *   <li>An unconfirmed transient job has already waited the confirm timeout: it is sent again
     *       once. On a cluster without a majority no queue confirms it, and the request fails
     *       well before its deadline.</li>
     * </ul>
     * A durable job's request fails at once.
     */
    private void notTaken(String correlationId, Pending p, Attempt a, boolean refused, String why) {
        if (!pending.containsKey(correlationId) || p.attempt().get() != a) {
            return; // answered, or already sent again
        }
        if (p.job() != null) {
            int earlier = p.resends().getAndIncrement();
            long remaining = p.gather().remaining().toMillis();
            if (refused) {
                long now = clock.millis();
                p.firstRefusedAtMs().compareAndSet(0, now);
                long refusedFor = now - p.firstRefusedAtMs().get();
                long wait = REFUSAL_BACKOFF_FIRST_MS << Math.min(earlier, 10);
                // park the job, so that the loss of the channel dropped below does not send it at once
                Attempt parked = new Attempt(null, new AtomicBoolean());
                if (refusedFor + wait <= confirmTimeoutMs && wait < remaining
                        && p.attempt().compareAndSet(a, parked)) {
                    a.on().owner().discard(a.on());
                    try {
                        timers.schedule(() -> resend(correlationId, parked), wait, TimeUnit.MILLISECONDS);
                        return;
                    } catch (RejectedExecutionException e) {
                        refuse(correlationId, why);
                        return;
                    }
                }
            } else if (earlier == 0 && remaining > 0) {
                a.on().owner().discard(a.on());
                resend(correlationId, a);
                return;
            }
        }
        a.on().owner().discard(a.on());
        refuse(correlationId, why);
    }

    /**
     * Sends a transient job again on another channel, under the same correlation id, after the
     * channel it went out on was lost with its replies (its connection's broker node died).
     * Predict and evaluate only read, so a learner that answers twice does no harm; the gather
     * keeps the replies it already has and counts any second one as a duplicate.
     */
    private void resend(String correlationId, Attempt failed) {
        Pending p = pending.get(correlationId);
        if (p == null) {
            return;
        }
        synchronized (p) { // a refusal and the loss of the same channel may both ask: send it once
            if (p.attempt().get() != failed) {
                return;
            }
            if (p.gather().remaining().toMillis() <= 0 || timers.isShutdown()) {
                finish(correlationId);
                return;
            }
            ReplyChannel channel = channels[Math.floorMod(next.getAndIncrement(), channels.length)];
            try {
                publish(correlationId, p, p.job(), channel);
                resent.increment();
            } catch (IOException | RuntimeException e) {
                log.debug("could not send job {} again: {}", correlationId, e.toString());
                finish(correlationId);
                return;
            }
        }
        watchConfirm(correlationId, p);
    }

    /** The broker confirmed (or refused) the jobs published on a channel under these sequence numbers. */
    private void onConfirm(Open on, Map<Long, String> jobs, boolean accepted) {
        List<String> ids = List.copyOf(jobs.values());
        jobs.clear();
        for (String id : ids) {
            Pending p = pending.get(id);
            Attempt a = p == null ? null : p.attempt().get();
            if (a == null || a.on() != on) {
                continue; // answered, or about an earlier attempt
            }
            if (accepted) {
                a.confirmed().set(true);
            } else {
                // off the connection's thread: a resend may open a channel, which waits for the broker
                try {
                    timers.execute(() -> notTaken(id, p, a, true, "the broker refused the job"));
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
            reply = JobReplyCodec.decode(body);
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
            JobReply reply = JobReplyCodec.decode(body);
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

    /**
     * One slot of the pool: publishes jobs and consumes their replies on its open channel, and
     * opens a new channel when that one is lost or dropped.
     */
    private final class ReplyChannel {
        private final int index;
        private volatile Open open;

        ReplyChannel(int index) {
            this.index = index;
        }

        /**
         * Publishes a job on the open channel and makes that publish {@code p}'s latest attempt
         * before it goes out: its confirm can come back before this returns.
         */
        synchronized void publish(String correlationId, Pending p, Job job) throws IOException {
            Open o = ensureOpen();
            long seq = o.channel().getNextPublishSeqNo();
            o.unconfirmed().put(seq, correlationId);
            p.attempt().set(new Attempt(o, new AtomicBoolean()));
            try {
                o.channel().basicPublish(job.exchange(), "", false, job.props(), job.body());
            } catch (IOException | RuntimeException e) {
                o.unconfirmed().remove(seq);
                discard(o); // broken: the next publish opens another
                throw e;
            }
        }

        synchronized Open ensureOpen() throws IOException {
            Open o = open;
            if (o != null && o.channel().isOpen()) {
                return o;
            }
            Channel ch = connection().createChannel();
            if (ch == null) {
                throw new IOException("no channel available");
            }
            Open opened = new Open(this, ch, new ConcurrentSkipListMap<>());
            ch.confirmSelect();
            ch.addConfirmListener((seq, multiple) -> onConfirm(opened, confirmed(opened, seq, multiple), true),
                    (seq, multiple) -> onConfirm(opened, confirmed(opened, seq, multiple), false));
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
            open = opened;
            return opened;
        }

        /**
         * Drops {@code which} (without waiting for the broker) if it is still the open channel; the
         * next publish opens a new one. Its loss sends its other transient jobs again.
         */
        void discard(Open which) {
            synchronized (this) {
                if (open == which) {
                    open = null;
                }
            }
            Thread t = new Thread(() -> {
                try {
                    which.channel().abort();
                } catch (IOException | RuntimeException ignored) {
                    // dropped anyway
                }
            }, "reply-channel-drop");
            t.setDaemon(true);
            t.start();
        }

        private static Map<Long, String> confirmed(Open on, long seq, boolean multiple) {
            return multiple ? on.unconfirmed().headMap(seq, true) : on.unconfirmed().subMap(seq, true, seq, true);
        }

        private void onChannelLost(Open lost, ShutdownSignalException sig) {
            if (!sig.isInitiatedByApplication()) {
                log.warn("reply channel {} lost: {}", index, sig.getMessage());
            }
            synchronized (this) {
                if (open == lost) {
                    open = null;
                }
            }
            // replies to this channel can no longer arrive: send the transient jobs last sent on it
            // again (its node may have died: the next publish opens a connection to another one),
            // and answer the others now with what they have
            pending.forEach((id, p) -> {
                Attempt a = p.attempt().get();
                if (a == null || a.on() != lost) {
                    return;
                }
                if (p.job() != null && !timers.isShutdown()) {
                    try {
                        timers.execute(() -> resend(id, a));
                    } catch (RejectedExecutionException e) {
                        finish(id);
                    }
                } else {
                    finish(id);
                }
            });
        }
    }
}
