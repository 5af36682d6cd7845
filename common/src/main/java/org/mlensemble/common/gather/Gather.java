package org.mlensemble.common.gather;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.ReplyStatus;

/**
 * The state of one scatter-gather. The members of an ensemble are its shards: several learners
 * (replicas) may hold the same shard, and one successful reply per shard is all an answer needs.
 * A gather knows which learner holds which shard, which of them are alive and so awaited, and
 * which replied. It is complete when
 * <ul>
 *   <li>the deadline has passed,</li>
 *   <li>every live learner that was awaited has answered or was lost,</li>
 *   <li>in {@link Mode#FIRST_PER_SHARD}: every shard has its first successful reply, or no awaited
 *       learner can give one any more,</li>
 *   <li>the quorum (of shards) can no longer be met, or</li>
 *   <li>in {@link Mode#FIRST_PER_SHARD}: a learner judged the request itself bad, which every
 *       learner would.</li>
 * </ul>
 * Thread-safe; time comes from the injected {@link Clock}.
 */
public final class Gather {

    /** What became of an offered reply. */
    public enum Offer {
        /** recorded, and it may change the answer */
        ACCEPTED,
        /** a successful reply for a shard that another replica already answered: not used */
        HEDGED,
        /** a second reply from the same learner */
        DUPLICATE,
        /** after the gather completed or its deadline passed */
        LATE
    }

    /** How replies of replicas combine. */
    public enum Mode {
        /**
         * Predict and evaluate: every replica of a shard gives the same answer, so the first
         * successful reply per shard wins and the request is done once every shard has one; the
         * other replicas are hedges. A rejected request ends the gather, since every learner judges
         * the same input.
         */
        FIRST_PER_SHARD,
        /**
         * Fit: every live learner trains its own member and is waited for; each judges its own
         * shard, so a rejection by one does not end the gather.
         */
        EVERY_LEARNER
    }

    private final Clock clock;
    private final Instant deadline;
    private final int quorum;
    private final Mode mode;
    /** learner id to the shard it holds, for every learner that belongs to the request */
    private final Map<String, String> shardOf = new LinkedHashMap<>();
    private final Set<String> shards = new TreeSet<>();
    private final Set<String> awaited;
    private final Set<String> live;
    private final Set<String> lost = new LinkedHashSet<>();
    private final Map<String, JobReply> replies = new LinkedHashMap<>();
    private final Map<String, JobReply> winners = new TreeMap<>();
    private final Set<String> hedged = new LinkedHashSet<>();
    private boolean closed;

    /**
     * @param holders  learner id to shard, for every learner that belongs to the ensemble for this
     *                 request, alive or not; their shards are the members
     * @param live     those learners heard from recently; only these are waited for (a live learner
     *                 missing from {@code holders} is waited for too, its shard learnt from its reply)
     * @param quorum   the fewest shards with a successful reply that make an answer
     */
    public Gather(Map<String, String> holders, Collection<String> live, int quorum, Instant deadline, Clock clock,
            Mode mode) {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        this.clock = clock;
        this.deadline = deadline;
        this.quorum = quorum;
        this.mode = mode;
        holders.forEach((learner, shard) -> {
            if (shard != null) {
                shardOf.put(learner, shard);
                shards.add(shard);
            }
        });
        this.awaited = new LinkedHashSet<>(live);
        this.live = Set.copyOf(live);
    }

    /**
     * True when {@code learnerId} belongs to this request: it holds one of its shards or was
     * alive, and so was sent the job, when the gather began. A reply from any other learner id is
     * not one this gather waits for.
     */
    public synchronized boolean expects(String learnerId) {
        return shardOf.containsKey(learnerId) || live.contains(learnerId);
    }

    /**
     * Records a reply. A successful reply for a shard that another replica already answered is a
     * hedge, before or after completion, and changes nothing; other replies after completion or
     * after the deadline are late and change nothing.
     */
    public synchronized Offer offer(JobReply reply) {
        if (!clock.instant().isBefore(deadline)) {
            return Offer.LATE;
        }
        String learner = reply.learnerId();
        if (closed) {
            boolean hedge = mode == Mode.FIRST_PER_SHARD && reply.ok() && !replies.containsKey(learner)
                    && winners.containsKey(shardOf.getOrDefault(learner, reply.shard()));
            return hedge ? Offer.HEDGED : Offer.LATE;
        }
        if (replies.containsKey(learner)) {
            return Offer.DUPLICATE;
        }
        replies.put(learner, reply);
        awaited.remove(learner);
        if (!reply.ok()) {
            return Offer.ACCEPTED;
        }
        // a learner that finished its member after we looked at presence still counts
        String shard = shardOf.computeIfAbsent(learner, l -> reply.shard() == null ? l : reply.shard());
        shards.add(shard);
        if (winners.containsKey(shard)) {
            if (mode == Mode.FIRST_PER_SHARD) {
                hedged.add(learner);
                return Offer.HEDGED;
            }
            return Offer.ACCEPTED;
        }
        winners.put(shard, reply);
        return Offer.ACCEPTED;
    }

    /**
     * Stops waiting for the awaited learners that are no longer alive: presence lost them, or they
     * said they are leaving. A learner that dies during a request then costs the request its
     * liveness window, not the whole deadline (which is long for a fit). A shard whose awaited
     * replicas are all lost is missing.
     *
     * @return true when the gather is complete
     */
    public synchronized boolean retainAwaited(Collection<String> live) {
        for (String learner : List.copyOf(awaited)) {
            if (!live.contains(learner)) {
                awaited.remove(learner);
                lost.add(learner);
            }
        }
        return isComplete();
    }

    /** True when waiting longer cannot change the answer. */
    public synchronized boolean isComplete() {
        if (closed || !clock.instant().isBefore(deadline) || awaited.isEmpty()) {
            return true;
        }
        if (mode == Mode.FIRST_PER_SHARD && badRequest() != null) {
            return true;
        }
        int hopeful = hopefulShards();
        if (mode == Mode.FIRST_PER_SHARD && hopeful == 0) {
            return true;
        }
        return winners.size() + hopeful < quorum;
    }

    /** Freezes the gather: later replies are late. Returns the outcome. */
    public synchronized GatherResult close() {
        closed = true;
        Map<String, String> learners = new LinkedHashMap<>();
        Set<String> involved = new TreeSet<>(shardOf.keySet());
        involved.addAll(live);
        for (String learner : involved) {
            learners.put(learner, shardOf.get(learner));
        }
        Map<String, Outcome> states = new LinkedHashMap<>();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String learner : learners.keySet()) {
            Outcome state = outcome(learner);
            states.put(learner, state);
            outcomes.put(learner, words(learner, state));
        }
        Map<String, String> servedBy = new LinkedHashMap<>();
        winners.forEach((shard, r) -> servedBy.put(shard, r.learnerId()));
        List<String> missing = shards.stream().filter(s -> !winners.containsKey(s)).toList();
        Map<String, String> shardOutcomes = new LinkedHashMap<>();
        for (String shard : shards) {
            JobReply w = winners.get(shard);
            if (w != null) {
                shardOutcomes.put(shard, "ok (" + w.learnerId() + ")");
                continue;
            }
            List<String> why = new ArrayList<>();
            learners.forEach((learner, s) -> {
                if (shard.equals(s)) {
                    why.add(learner + ": " + outcomes.get(learner));
                }
            });
            shardOutcomes.put(shard, why.isEmpty() ? "no holder" : String.join("; ", why));
        }
        List<JobReply> okReplies = replies.values().stream()
                .filter(r -> r.ok() && (mode == Mode.EVERY_LEARNER || !hedged.contains(r.learnerId()))).toList();
        List<JobReply> others = replies.values().stream()
                .filter(r -> !r.ok() && !shardOf.containsKey(r.learnerId()) && !live.contains(r.learnerId())).toList();
        return new GatherResult(List.copyOf(winners.values()), List.copyOf(shards), missing, servedBy, outcomes,
                states, shardOutcomes, learners, okReplies, hedged.size(), quorum, badRequest(), others);
    }

    /**
     * True when a replica of a served shard has not answered yet: its reply, should it come before
     * the deadline, is a hedge rather than a late reply.
     */
    public synchronized boolean expectsHedges() {
        return mode == Mode.FIRST_PER_SHARD
                && awaited.stream().anyMatch(l -> shardOf.containsKey(l) && winners.containsKey(shardOf.get(l)));
    }

    /** Time left before the deadline, never negative. */
    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Shards without a successful reply that an awaited learner may still give one for. */
    private int hopefulShards() {
        Set<String> hopeful = new LinkedHashSet<>();
        for (String learner : awaited) {
            String shard = shardOf.get(learner);
            if (shard == null) {
                hopeful.add("?" + learner); // its shard is unknown until it replies: any shard
            } else if (!winners.containsKey(shard)) {
                hopeful.add(shard);
            }
        }
        return hopeful.size();
    }

    private Outcome outcome(String learner) {
        JobReply r = replies.get(learner);
        if (r != null) {
            return switch (r.status()) {
                case OK -> hedged.contains(learner) ? Outcome.HEDGED : Outcome.OK;
                case NO_MODEL -> Outcome.NO_MODEL;
                case BAD_REQUEST -> Outcome.REJECTED;
                case FAILED -> Outcome.FAILED;
            };
        }
        if (lost.contains(learner)) {
            return Outcome.LOST;
        }
        if (awaited.contains(learner)) {
            String shard = shardOf.get(learner);
            return mode == Mode.FIRST_PER_SHARD && shard != null && winners.containsKey(shard) ? Outcome.NOT_NEEDED
                    : Outcome.NO_REPLY;
        }
        return Outcome.NOT_ALIVE;
    }

    /** The outcome in words, with the learner's own reason where it gave one. */
    private String words(String learner, Outcome outcome) {
        String what = switch (outcome) {
            case OK -> "ok";
            case HEDGED -> "ok, not used: shard " + shardOf.get(learner) + " had answered";
            case NOT_NEEDED -> "not needed: shard " + shardOf.get(learner) + " had answered";
            case NO_MODEL -> "does not hold the model";
            case REJECTED -> "rejected the request";
            case FAILED -> "failed";
            case LOST -> "lost during the request (no heartbeat)";
            case NO_REPLY -> "no reply before the deadline";
            case NOT_ALIVE -> "not alive";
        };
        JobReply r = replies.get(learner);
        boolean withReason = outcome == Outcome.NO_MODEL || outcome == Outcome.REJECTED || outcome == Outcome.FAILED;
        return withReason && r.reason() != null ? what + ": " + r.reason() : what;
    }

    private String badRequest() {
        return replies.values().stream().filter(r -> r.status() == ReplyStatus.BAD_REQUEST).map(JobReply::reason)
                .findFirst().orElse(null);
    }
}
