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
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.ReplyStatus;

/**
 * The state of one scatter-gather: which learners are expected to answer, which did, and whether
 * waiting any longer can change the outcome. It is complete when
 * <ul>
 *   <li>the deadline has passed,</li>
 *   <li>every live learner that was expected has answered,</li>
 *   <li>the quorum can no longer be met, or</li>
 *   <li>a learner judged the request itself bad, which every learner would (when asked to stop on that).</li>
 * </ul>
 * Thread-safe; time comes from the injected {@link Clock}.
 */
public final class Gather {

    /** What became of an offered reply. */
    public enum Offer { ACCEPTED, DUPLICATE, LATE }

    private final Clock clock;
    private final Instant deadline;
    private final int quorum;
    private final boolean stopOnBadRequest;
    private final Set<String> members;
    private final Set<String> awaited;
    private final Set<String> lost = new LinkedHashSet<>();
    private final Map<String, JobReply> replies = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param members  every learner that belongs to the ensemble for this request, alive or not
     * @param live     those of them heard from recently; only these are waited for
     * @param quorum   the fewest successful replies that make an answer
     * @param stopOnBadRequest complete at the first reply that rejects the request: right when every
     *                 learner judges the same input (predict), wrong when each judges its own shard (fit)
     */
    public Gather(Collection<String> members, Collection<String> live, int quorum, Instant deadline, Clock clock,
            boolean stopOnBadRequest) {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        this.clock = clock;
        this.deadline = deadline;
        this.quorum = quorum;
        this.stopOnBadRequest = stopOnBadRequest;
        this.members = new LinkedHashSet<>(members);
        this.members.addAll(live);
        this.awaited = new LinkedHashSet<>(live);
    }

    /** Records a reply; replies after completion are late and change nothing. */
    public synchronized Offer offer(JobReply reply) {
        if (closed || !clock.instant().isBefore(deadline)) {
            return Offer.LATE;
        }
        if (replies.containsKey(reply.learnerId())) {
            return Offer.DUPLICATE;
        }
        replies.put(reply.learnerId(), reply);
        awaited.remove(reply.learnerId());
        if (reply.ok()) {
            // a learner that finished its member after we looked at presence still counts
            members.add(reply.learnerId());
        }
        return Offer.ACCEPTED;
    }

    /**
     * Stops waiting for the awaited learners that are no longer alive: presence lost them, or they
     * said they are leaving. A learner that dies during a request then costs the request its
     * liveness window, not the whole deadline (which is long for a fit).
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
        if (stopOnBadRequest && badRequest() != null) {
            return true;
        }
        return okCount() + awaited.size() < quorum;
    }

    /** Freezes the gather: later replies are late. Returns the outcome. */
    public synchronized GatherResult close() {
        closed = true;
        List<JobReply> ok = new ArrayList<>();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String learner : members) {
            JobReply r = replies.get(learner);
            if (r == null) {
                outcomes.put(learner, awaited.contains(learner) ? "no reply before the deadline"
                        : lost.contains(learner) ? "lost during the request (no heartbeat)" : "not alive");
            } else if (r.ok()) {
                ok.add(r);
                outcomes.put(learner, "ok");
            } else {
                outcomes.put(learner, describe(r));
            }
        }
        List<String> missing = members.stream().filter(m -> !replies.containsKey(m) || !replies.get(m).ok()).toList();
        List<JobReply> others = replies.values().stream().filter(r -> !r.ok() && !members.contains(r.learnerId()))
                .toList();
        return new GatherResult(ok, List.copyOf(members), missing, outcomes, quorum, badRequest(), others);
    }

    /** Time left before the deadline, never negative. */
    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private long okCount() {
        return replies.values().stream().filter(JobReply::ok).count();
    }

    private String badRequest() {
        return replies.values().stream().filter(r -> r.status() == ReplyStatus.BAD_REQUEST).map(JobReply::reason)
                .findFirst().orElse(null);
    }

    private static String describe(JobReply r) {
        String what = switch (r.status()) {
            case NO_MODEL -> "does not hold the model";
            case BAD_REQUEST -> "rejected the request";
            case FAILED -> "failed";
            case OK -> "ok";
        };
        return r.reason() == null ? what : what + ": " + r.reason();
    }
}
