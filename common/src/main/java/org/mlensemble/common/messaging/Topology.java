package org.mlensemble.common.messaging;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every broker name the system uses, derived from one configurable prefix so that tests and
 * several clusters can share a broker. No other class spells a queue or exchange name.
 */
public record Topology(String prefix) {

    /** Direct reply-to pseudo-queue: replies go straight to the requesting channel. */
    public static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

    public Topology {
        Objects.requireNonNull(prefix, "prefix");
        if (!Names.isSafeName(prefix)) {
            throw new IllegalArgumentException("broker name prefix must match " + Names.SAFE_NAME + " without '..': "
                    + prefix);
        }
    }

    /** Durable fanout exchange that every job is published to. */
    public String jobsExchange() {
        return prefix + ".jobs";
    }

    /** Durable queue of one learner, named after its stable id so it survives restarts. */
    public String learnerQueue(String learnerId) {
        if (!Names.isSafeName(learnerId)) {
            throw new IllegalArgumentException("learner id must match " + Names.SAFE_NAME + " without '..': "
                    + learnerId);
        }
        return prefix + ".learner." + learnerId;
    }

    /** Exchange that rejected (unparseable) jobs are dead-lettered to. */
    public String deadLetterExchange() {
        return prefix + ".dlx";
    }

    /** Queue that keeps dead-lettered jobs for inspection. */
    public String deadLetterQueue() {
        return prefix + ".dead-letter";
    }

    /**
     * The arguments of the bindings from the dead-letter exchange (type headers) to the dead-letter
     * queue: one per death reason worth keeping, {@code rejected} (a learner could not read the job)
     * and {@code delivery_limit} (a quorum queue gave up on a job its learners kept dying on).
     * Expired jobs (predicts past their deadline) match neither and are dropped.
     * <p>
     * {@code x-match} must be {@code all-with-x}: with plain {@code all} RabbitMQ ignores binding
     * arguments whose names start with {@code x-}, so a binding on {@code x-first-death-reason}
     * would match every dead letter, expired ones included (RabbitMQ 3.10 and later).
     */
    public static List<Map<String, Object>> deadLetterBindings() {
        return List.of(
                Map.of("x-match", "all-with-x", "x-first-death-reason", "rejected"),
                Map.of("x-match", "all-with-x", "x-first-death-reason", "delivery_limit"));
    }

    /**
     * The binding that earlier versions declared, which matched every dead letter (see
     * {@link #deadLetterBindings()}); a learner removes it where it finds it.
     */
    public static Map<String, Object> legacyDeadLetterBinding() {
        return Map.of("x-match", "all", "x-first-death-reason", "rejected");
    }

    /** Fanout exchange carrying learner heartbeats to every api instance. */
    public String presenceExchange() {
        return prefix + ".presence";
    }

    /** Name stem of an api instance's private presence queue. */
    public String presenceQueuePrefix() {
        return prefix + ".presence.";
    }

    /**
     * Direct exchange of peer sync between replicas: inventory requests are routed by
     * {@link #syncShardKey(String)} to every learner of a shard, fetches by
     * {@link #syncLearnerKey(String)} to one learner.
     */
    public String syncExchange() {
        return prefix + ".sync";
    }

    /** A learner's own sync queue (exclusive, auto-delete): it lives exactly as long as the learner. */
    public String syncQueue(String learnerId) {
        if (!Names.isSafeName(learnerId)) {
            throw new IllegalArgumentException("learner id must match " + Names.SAFE_NAME + " without '..': "
                    + learnerId);
        }
        return prefix + ".sync." + learnerId;
    }

    /** Routing key reaching every learner that holds {@code shard}. */
    public String syncShardKey(String shard) {
        return "shard." + shard;
    }

    /** Routing key reaching one learner. */
    public String syncLearnerKey(String learnerId) {
        return "learner." + learnerId;

    }

    /**
     * Stream queue carrying one part ({@code A}, {@code B}, ... or {@code test}) of one upload of a
     * dataset. Each upload has its own id, so a new upload never mixes with an older one.
     */
    public String datasetStream(String dataset, String uploadId, String part) {
        for (String n : new String[] {dataset, uploadId, part}) {
            if (!Names.isSafeName(n)) {
                throw new IllegalArgumentException("dataset stream name parts must match " + Names.SAFE_NAME
                        + " without '..': " + n);
            }
        }
        return prefix + ".dataset." + dataset + "." + uploadId + "." + part;
    }
}
