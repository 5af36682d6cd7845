package org.mlensemble.api.ensemble;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mlensemble.api.membership.LearnerView;
import org.mlensemble.api.membership.Members;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.features.JointEncoding;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.learning.Training;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.JointSpec;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PrepareJointJob;

/**
 * A joint fit ({@code "training": "joint"}): one XGBoost model over the shards, trained by one
 * learner per shard as the workers of XGBoost's collective, the data never leaving its learner.
 * <ol>
 *   <li>The workers: one live learner per shard that holds the dataset (the first by id among the
 *       shard's replicas), ranked by shard.</li>
 *   <li>Prepare ({@link PrepareJointJob}): each worker reports its shard's encoding; rank 0 also
 *       starts XGBoost's tracker, in a child process of its own, and reports its address.</li>
 *   <li>The encodings are merged into one ({@link JointEncoding}): every worker must encode the
 *       same column into the same feature, or the histograms they add up mean nothing.</li>
 *   <li>Train: one {@link FitJob} carrying the workers, the tracker and the encoding
 *       ({@link JointSpec}); each worker trains in a child process and keeps rank 0's model.</li>
 * </ol>
 * A worker that is lost (or fails) fails the whole training: XGBoost's collective cannot go on
 * without it. The fit is then tried once more with the live learners (another replica of the lost
 * shard, or without that shard), if they still cover the quorum of shards and time is left; else
 * it is a 503 naming who failed and why. Everything is bounded by the fit's deadline, which the
 * workers also use to kill their child processes.
 */
final class JointFit {

    /** Scatters a job and gathers its replies, as {@link BrokerEnsemble} does. */
    interface Scatter {
        CompletableFuture<GatherResult> scatter(JobType type, byte[] body, Gather gather, long expirationMs,
                long deadlineEpochMs, boolean persistent);
    }

    /** Below this much time left, a failed training is not tried again. */
    private static final long MIN_RETRY_MS = 10_000;

    private final Scatter scatter;
    private final Membership membership;
    private final Clock clock;
    private final MeterRegistry meters;

    JointFit(Scatter scatter, Membership membership, Clock clock, MeterRegistry meters) {
        this.scatter = scatter;
        this.membership = membership;
        this.clock = clock;
        this.meters = meters;
        // present from start-up, at 0, with their help text
        for (String outcome : List.of("ok", "failed")) {
            Counter.builder("ml.api.joint.fits").tag("outcome", outcome)
                    .description("joint fits (\"training\": \"joint\") by outcome").register(meters);
        }
        Counter.builder("ml.api.joint.retries")
                .description("joint fits trained a second time without a lost or failed worker").register(meters);
    }

    /** One fit in progress: its request and what the attempts have learnt. */
    private record Run(FitCommand c, String modelId, long createdAt, String algorithm, Map<String, Object> params,
            Instant deadline, Set<String> datasetShards, List<String> history) {
    }

    CompletableFuture<FitOutcome> fit(FitCommand c, String modelId, long now, String algorithm,
            Map<String, Object> params) {
        Instant deadline = Instant.ofEpochMilli(now + c.deadline().toMillis());
        Set<String> datasetShards = datasetShards(c.dataset());
        if (!datasetShards.isEmpty() && c.quorum() > datasetShards.size()) {
            throw new InvalidRequestException("quorum " + c.quorum() + " is more than the " + datasetShards.size()
                    + " shards of dataset '" + c.dataset() + "'");
        }
        Run run = new Run(c, modelId, now, algorithm, params, deadline, datasetShards, new ArrayList<>());
        Map<String, String> workers = workers(c.dataset(), Set.of());
        requireQuorum(run, workers);
        CompletableFuture<FitOutcome> outcome = attempt(run, 1, workers);
        if (c.async()) {
            outcome.whenComplete((o, e) -> meters.counter("ml.api.joint.fits", "outcome", e == null ? "ok" : "failed")
                    .increment());
            return CompletableFuture.completedFuture(new FitOutcome(modelId, c.dataset(), c.target(), algorithm, params,
                    c.seed(), new Members(0, workers.size(), List.of()), List.of(), 0, Training.JOINT.wireName(),
                    null));
        }
        return outcome.whenComplete((o, e) -> meters.counter("ml.api.joint.fits", "outcome", e == null ? "ok"
                : "failed").increment());
    }

    private CompletableFuture<FitOutcome> attempt(Run run, int attempt, Map<String, String> workers) {
        Map<String, Integer> ranks = ranks(workers);
        long remaining = run.deadline().toEpochMilli() - clock.millis();
        var prepare = new PrepareJointJob(run.modelId(), run.c().dataset(), run.c().target(), run.c().logTarget(),
                run.c().columnTypes(), run.c().ignore(), ranks, remaining);
        Gather gather = new Gather(workers, workers.keySet(), workers.size(), run.deadline(), clock,
                Gather.Mode.EVERY_LEARNER);
        return scatter.scatter(JobType.PREPARE_JOINT, MessageCodec.encode(prepare), gather, remaining,
                run.deadline().toEpochMilli(), false).thenCompose(prepared -> {
                    if (!prepared.quorumMet()) {
                        return retryOrFail(run, attempt, workers, prepared, "preparing");
                    }
                    return train(run, attempt, workers, ranks, prepared);
                });
    }

    private CompletableFuture<FitOutcome> train(Run run, int attempt, Map<String, String> workers,
            Map<String, Integer> ranks, GatherResult prepared) {
        List<JointEncoding.Part> parts = new ArrayList<>();
        Map<String, Object> tracker = Map.of();
        for (JobReply r : prepared.replies()) {
            if (r.joint() == null || r.joint().summary() == null) {
                throw new EnsembleUnavailableException("learner " + r.learnerId() + " answered the joint fit's first phase"
                        + " without its shard's summary: is it older than joint training?");
            }
            parts.add(new JointEncoding.Part(r.shard(), r.joint().summary(), r.joint().rows()));
            if (!r.joint().tracker().isEmpty()) {
                tracker = r.joint().tracker();
            }
        }
        if (tracker.isEmpty()) {
            throw new EnsembleUnavailableException("the learner of rank 0 did not report the joint training's tracker");
        }
        parts.sort(java.util.Comparator.comparing(JointEncoding.Part::shard));
        FeatureEncoding encoding;
        try {
            encoding = JointEncoding.merge(parts);
        } catch (DataException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        var spec = new JointSpec(ranks, workers, tracker, encoding, attempt, run.deadline().toEpochMilli());
        FitCommand c = run.c();
        FitJob job = new FitJob(run.modelId(), run.createdAt(), c.dataset(), c.target(), run.algorithm(), run.params(),
                c.seed(), c.sampling(), c.logTarget(), false, c.columnTypes(), c.ignore(), spec);
        long remaining = run.deadline().toEpochMilli() - clock.millis();
        Gather gather = new Gather(workers, workers.keySet(), workers.size(), run.deadline(), clock,
                Gather.Mode.EVERY_LEARNER);
        // transient: a learner that comes back later cannot join a collective that is over
        return scatter.scatter(JobType.FIT, MessageCodec.encode(job), gather, remaining, run.deadline().toEpochMilli(),
                false).thenCompose(trained -> {
                    if (!trained.quorumMet()) {
                        return retryOrFail(run, attempt, workers, trained, "training");
                    }
                    return CompletableFuture.completedFuture(outcome(run, attempt, workers, trained));
                });
    }

    /**
     * A phase did not complete on every worker. A rejection (bad data, unknown target) is the
     * request's fault: 400. Otherwise the training is tried once more without the learners that
     * failed or were lost, when the live ones still cover the quorum and time is left.
     */
    private CompletableFuture<FitOutcome> retryOrFail(Run run, int attempt, Map<String, String> workers,
            GatherResult r, String phase) {
        if (r.badRequest() != null) {
            throw new InvalidRequestException(r.badRequest());
        }
        String failure = String.format("attempt %d, %s with %s: %s", attempt, phase, describe(workers),
                r.outcomes().entrySet().stream().filter(e -> !"ok".equals(e.getValue()))
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ")));
        run.history().add(failure);
        long left = run.deadline().toEpochMilli() - clock.millis();
        if (attempt > 1 || left < MIN_RETRY_MS) {
            return CompletableFuture.failedFuture(failed(run, attempt > 1 ? "it failed twice"
                    : "too little of the deadline was left to try again"));
        }
        // the survivors fail as soon as the collective does, often before presence has missed the
        // dead learner's heartbeats: wait one liveness window, then ask presence who is gone
        long settle = membership.liveness().toMillis() + 500;
        return CompletableFuture.supplyAsync(() -> culprits(workers, r),
                CompletableFuture.delayedExecutor(settle, TimeUnit.MILLISECONDS)).thenCompose(culprits -> {
                    Map<String, String> next = culprits.isEmpty() ? Map.of() : workers(run.c().dataset(), culprits);
                    if (culprits.isEmpty()) {
                        throw failed(run, "every worker is alive, so there is nobody to leave out");
                    }
                    if (next.isEmpty() || next.size() < run.c().quorum()) {
                        throw failed(run, "the live learners without " + culprits + " cover " + next.size()
                                + " shard(s), below the quorum of " + run.c().quorum());
                    }
                    meters.counter("ml.api.joint.retries").increment();
                    return attempt(run, 2, next);
                });
    }

    /**
     * The workers to leave out of a retry: those presence no longer sees, and those that failed
     * for a reason of their own (not because the collective failed under them).
     */
    private Set<String> culprits(Map<String, String> workers, GatherResult r) {
        Set<String> live = membership.live();
        Set<String> out = new TreeSet<>();
        for (String learner : workers.keySet()) {
            String why = r.outcomes().getOrDefault(learner, "");
            boolean ownFault = !"ok".equals(why) && (why.startsWith("failed") || why.startsWith("rejected"))
                    && !why.contains(JointSpec.COLLECTIVE_FAILED);
            if (!live.contains(learner) || ownFault) {
                out.add(learner);
            }
        }
        return out;
    }

    private EnsembleUnavailableException failed(Run run, String why) {
        return new EnsembleUnavailableException(String.format("joint fit of model %s failed, and is not tried again: %s."
                + " A lost or failed worker fails the whole training. %s", run.modelId(), why,
                String.join(" | ", run.history())));
    }

    private FitOutcome outcome(Run run, int attempt, Map<String, String> workers, GatherResult r) {
        Set<String> covered = new TreeSet<>(workers.values());
        List<String> missing = run.datasetShards().stream().filter(s -> !covered.contains(s)).sorted().toList();
        int expected = Math.max(covered.size() + missing.size(), covered.size());
        List<FitOutcome.LearnerOutcome> learners = new ArrayList<>();
        Map<String, JobReply> byLearner = new LinkedHashMap<>();
        r.replies().forEach(o -> byLearner.put(o.learnerId(), o));
        for (var w : new TreeMap<>(workers).entrySet()) {
            JobReply reply = byLearner.get(w.getKey());
            MemberInfo m = reply == null ? null : reply.member();
            learners.add(new FitOutcome.LearnerOutcome(w.getKey(), w.getValue(), "trained",
                    m == null ? null : "rank " + m.provenance().get("rank"), m == null ? null : m.rows(),
                    m == null ? null : m.trainMs()));
        }
        Map<String, String> servedBy = new TreeMap<>();
        workers.forEach((learner, shard) -> servedBy.put(shard, learner));
        var joint = new FitOutcome.JointOutcome(String.join("+", covered), new TreeMap<>(workers), missing, attempt,
                List.copyOf(run.history()));
        FitCommand c = run.c();
        return new FitOutcome(run.modelId(), c.dataset(), c.target(), run.algorithm(), run.params(), c.seed(),
                new Members(covered.size(), expected, missing, servedBy), learners,
                clock.millis() - run.createdAt(), Training.JOINT.wireName(), joint);
    }

    /**
     * One live learner per shard of the dataset, the first by id among its replicas, leaving out
     * {@code excluded}. Learners that list the dataset in their heartbeat are preferred; when none
     * does (an old learner), every live learner is a candidate and answers for itself.
     */
    private Map<String, String> workers(String dataset, Set<String> excluded) {
        List<LearnerView> live = membership.learners().stream().filter(LearnerView::alive)
                .filter(l -> !excluded.contains(l.learnerId()) && l.shard() != null).toList();
        List<LearnerView> holding = live.stream().filter(l -> l.datasets() != null && l.datasets().stream()
                .anyMatch(d -> dataset.equals(d.dataset()) && l.shard().equals(d.shard()))).toList();
        List<LearnerView> candidates = holding.isEmpty() ? live : holding;
        Map<String, String> byShard = new TreeMap<>();
        candidates.stream().sorted(java.util.Comparator.comparing(LearnerView::learnerId))
                .forEach(l -> byShard.putIfAbsent(l.shard(), l.learnerId()));
        Map<String, String> out = new LinkedHashMap<>();
        byShard.forEach((shard, learner) -> out.put(learner, shard));
        return out;
    }

    /** The shards any known learner, alive or not, lists for the dataset. */
    private Set<String> datasetShards(String dataset) {
        Set<String> out = new TreeSet<>();
        for (LearnerView l : membership.learners()) {
            if (l.datasets() != null && l.shard() != null && l.datasets().stream()
                    .anyMatch(d -> dataset.equals(d.dataset()) && l.shard().equals(d.shard()))) {
                out.add(l.shard());
            }
        }
        return out;
    }

    private static Map<String, Integer> ranks(Map<String, String> workers) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        workers.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> ranks.put(e.getKey(), ranks.size()));
        return ranks;
    }

    private void requireQuorum(Run run, Map<String, String> workers) {
        if (workers.size() < run.c().quorum() || workers.isEmpty()) {
            throw new EnsembleUnavailableException(String.format("joint fit: %d live learner(s) cover %d shard(s) of dataset"
                    + " '%s', quorum is %d", workers.size(), new TreeSet<>(workers.values()).size(),
                    run.c().dataset(), run.c().quorum()));
        }
    }

    private static String describe(Map<String, String> workers) {
        return new TreeMap<>(workers).entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }
}
