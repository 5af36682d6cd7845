package org.mlensemble.api.ensemble;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mlensemble.api.gather.ScatterGather;
import org.mlensemble.api.membership.Members;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.api.membership.ModelView;
import org.mlensemble.common.gather.Aggregation;
import org.mlensemble.common.gather.EnsembleScores;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.gather.Outcome;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.learning.Training;
import org.mlensemble.common.messaging.DeleteModelJob;
import org.mlensemble.common.messaging.EvaluateJob;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PinModelJob;

/**
 * The ensemble over RabbitMQ: presence says who to expect, {@link ScatterGather} collects the
 * replies, and this class turns a gather into an answer or a problem.
 */
public final class BrokerEnsemble implements Ensemble {

    /**
     * How long a delete or pin waits for the live learners. Each does one file operation, so a live
     * learner answers in milliseconds; the bound only ends the wait for a hung one.
     */
    private static final Duration LIFECYCLE_DEADLINE = Duration.ofSeconds(10);

    private final JobScatter jobs;
    private final ModelIdMinter modelIds;
    private final Membership membership;
    private final Clock clock;
    private final Duration fitCatchUp;
    private final MeterRegistry meters;
    private final PredictBatcher batcher;
    private final JointFit jointFit;

    /**
     * @param batching  how concurrent predicts share jobs ({@link PredictBatcher})
     * @param executor  sends the predict jobs that queued behind others and times their slots
     */
    public BrokerEnsemble(ScatterGather scatterGather, Membership membership, Clock clock, Duration fitCatchUp,
            MeterRegistry meters, PredictBatcher.Settings batching, ScheduledExecutorService executor) {
        this.jobs = new JobScatter(scatterGather, clock, meters);
        this.modelIds = new ModelIdMinter(membership);
        this.membership = membership;
        this.clock = clock;
        this.fitCatchUp = fitCatchUp;
        this.meters = meters;
        this.jointFit = new JointFit(this::scatter, membership, clock, meters);
        this.batcher = new PredictBatcher(jobs, batching, clock, executor, (task, after) -> {
            ScheduledFuture<?> f = executor.schedule(task, after.toMillis(), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, meters);
    }

    @Override
    public CompletableFuture<FitOutcome> fit(FitCommand c) {
        Algorithm algorithm = Algorithm.fromWire(c.algorithm());
        Map<String, Object> params = algorithm.resolve(c.params());
        long now = clock.millis();
        String modelId = modelIds.mint(c.idempotencyKey(), now);
        if (c.training() == Training.JOINT) {
            return jointFit.fit(c, modelId, now, algorithm.wireName(), params);
        }
        FitJob job = new FitJob(modelId, now, c.dataset(), c.target(), algorithm.wireName(), params, c.seed(),
                c.sampling(), c.logTarget(), c.holdoutWeights(), c.columnTypes(), c.ignore());
        Set<String> live = membership.live();
        Map<String, String> shards = membership.shards();
        long knownShards = shards.values().stream().distinct().count();
        if (knownShards > 0 && c.quorum() > knownShards) {
            throw tooLargeQuorum(c.quorum(), knownShards, "the cluster's learners hold");
        }
        Gather gather = new Gather(shards, live, c.quorum(), deadline(now, c.deadline()), clock,
                Gather.Mode.EVERY_LEARNER);
        long started = now;
        // The job's deadline header is when its work stops being useful. For a fit that is the end
        // of the catch-up window, not the request's deadline: a learner that comes back later still
        // trains its member and the ensemble heals. (With the request deadline there, a returning
        // learner dropped every fit it had missed as expired.)
        long catchUpMs = Math.max(fitCatchUp.toMillis(), c.deadline().toMillis());
        CompletableFuture<GatherResult> f = scatter(JobType.FIT, MessageCodec.encode(job), gather,
                catchUpMs, now + catchUpMs, true);
        FitOutcome accepted = new FitOutcome(modelId, c.dataset(), c.target(), algorithm.wireName(), params, c.seed(),
                new Members(0, (int) live.stream().map(shards::get).distinct().count(), List.of()), List.of(), 0);
        if (c.async()) {
            // the gather still runs, so its replies are not counted as late; the answer is presence
            return CompletableFuture.completedFuture(accepted);
        }
        return f.thenApply(r -> {
            record(JobType.FIT, r, started);
            List<FitOutcome.LearnerOutcome> outcomes = fitOutcomes(r);
            if (!r.quorumMet()) {
                if (r.used() == 0 && r.badRequest() != null) {
                    throw new InvalidRequestException(r.badRequest());
                }
                throw new EnsembleUnavailableException(String.format(
                        "model %s: %d of %d members (shards) trained, quorum is %d. Learners: %s", modelId, r.used(),
                        r.expected(), r.quorum(), describe(outcomes)));
            }
            return new FitOutcome(modelId, c.dataset(), c.target(), algorithm.wireName(), params, c.seed(),
                    Members.of(r), outcomes, clock.millis() - started);
        });
    }

    @Override
    public CompletableFuture<PredictOutcome> predict(PredictCommand c) {
        ModelView model = c.modelId() == null || c.modelId().isBlank()
                ? DefaultModel.forPredict(membership.models(), c.columns().keySet())
                : named(c.modelId());
        requireReachableQuorum(c.quorum(), model);
        long now = clock.millis();
        return batcher.submit(model, c.columns(), c.rows(), c.quorum(), deadline(now, c.deadline())).thenApply(share -> {
            GatherResult r = share.result();
            record(JobType.PREDICT, r, now);
            requireAnswer(r, model.modelId());
            List<double[]> mine = new ArrayList<>(r.ok().size());
            for (JobReply reply : r.ok()) {
                double[] slice = share.slice(reply.predictions());
                if (slice == null) {
                    throw new EnsembleUnavailableException("learner " + reply.learnerId() + " answered "
                            + (reply.predictions() == null ? "no" : reply.predictions().length) + " predictions for "
                            + share.batchRows() + " rows");
                }
                mine.add(slice);
            }
            double[] p = Aggregation.combine(mine, weights(r.ok(), c.weighted(), model));
            return new PredictOutcome(model.modelId(), p, Members.of(r), clock.millis() - now);
        });
    }

    @Override
    public CompletableFuture<EvaluateOutcome> evaluate(EvaluateCommand c) {
        ModelView model = c.modelId() == null || c.modelId().isBlank()
                ? DefaultModel.forEvaluate(membership.models(), c.dataset())
                : named(c.modelId());
        requireReachableQuorum(c.quorum(), model);
        long now = clock.millis();
        Gather gather = new Gather(model.shardOfHolders(), model.liveHolders(), c.quorum(), deadline(now, c.deadline()),
                clock, Gather.Mode.FIRST_PER_SHARD);
        return scatter(JobType.EVALUATE, MessageCodec.encode(new EvaluateJob(model.modelId())), gather,
                c.deadline().toMillis(), now + c.deadline().toMillis(), false).thenApply(r -> {
                    record(JobType.EVALUATE, r, now);
                    requireAnswer(r, model.modelId());
                    return score(model, r, c.weighted(), clock.millis() - now);
                });
    }

    private EvaluateOutcome score(ModelView model, GatherResult r, boolean weighted, long elapsed) {
        double[] actual = r.ok().get(0).actuals();
        for (JobReply reply : r.ok()) {
            if (reply.actuals() == null || reply.actuals().length != actual.length || reply.predictions() == null
                    || reply.predictions().length != actual.length) {
                throw new EnsembleUnavailableException(
                        "members disagree on the test set; is test/data.csv the same everywhere?");
            }
        }
        EnsembleScores s = EnsembleScores.of(actual, r.ok().stream().map(JobReply::learnerId).toList(),
                r.ok().stream().map(JobReply::predictions).toList(), weights(r.ok(), weighted, model), 500);
        return new EvaluateOutcome(model.modelId(), model.dataset(), s.metrics(), s.perMember(), s.withoutMember(),
                Members.of(r), s.sample(), elapsed);
    }

    /** Each reply's member's held-out RMSE, to weight the members by, or null for the plain mean. */
    private static double[] weights(List<JobReply> replies, boolean weighted, ModelView model) {
        if (!weighted) {
            return null;
        }
        Map<String, Double> errors = new LinkedHashMap<>();
        for (MemberInfo m : model.held()) {
            errors.put(m.learnerId(), m.holdoutRmse());
        }
        return replies.stream().mapToDouble(rep -> errors.getOrDefault(rep.learnerId(), Double.NaN)).toArray();
    }

    @Override
    public CompletableFuture<ModelChange> delete(String modelId) {
        ModelView model = named(modelId);
        return change(model, JobType.DELETE_MODEL, MessageCodec.encode(new DeleteModelJob(model.modelId())),
                "deleted");
    }

    @Override
    public CompletableFuture<ModelChange> pin(String modelId, boolean pinned) {
        ModelView model = named(modelId);
        return change(model, JobType.PIN_MODEL, MessageCodec.encode(new PinModelJob(model.modelId(), pinned)),
                pinned ? "pinned" : "unpinned");
    }

    /**
     * Sends a lifecycle job to every learner and waits for the live ones. The job is persistent and
     * lives as long as a fit's catch-up window, so a holder that is down applies it when it comes
     * back, and a deleted model does not return with it.
     */
    private CompletableFuture<ModelChange> change(ModelView model, JobType type, byte[] body, String action) {
        long now = clock.millis();
        Gather gather = new Gather(model.shardOfHolders(), membership.live(), 1,
                Instant.ofEpochMilli(now + LIFECYCLE_DEADLINE.toMillis()), clock, Gather.Mode.EVERY_LEARNER);
        long expiry = Math.max(fitCatchUp.toMillis(), LIFECYCLE_DEADLINE.toMillis());
        return scatter(type, body, gather, expiry, now + expiry, true).thenApply(r -> {
            List<String> confirmed = r.replies().stream().filter(JobReply::ok).map(JobReply::learnerId).distinct()
                    .sorted().toList();
            if (confirmed.isEmpty()) {
                throw new EnsembleUnavailableException("No live learner holding model " + model.modelId() + " confirmed the"
                        + " change (" + action + "); its holders " + model.holders() + " get the job when they are back"
                        + " within " + fitCatchUp + ".");
            }
            List<String> pending = model.holders().stream().filter(h -> !confirmed.contains(h)).sorted().toList();
            meters.counter("ml.api.models.changes", "action", action).increment();
            return new ModelChange(model.modelId(), action, confirmed, pending, clock.millis() - now);
        });
    }

    /** The model named {@code modelId}: a 404 that says when and why when it was removed. */
    private ModelView named(String modelId) {
        return membership.model(modelId).orElseThrow(() -> membership.removal(modelId)
                .<RuntimeException>map(ModelRemovedException::new)
                .orElseGet(() -> new UnknownModelException(modelId)));
    }

    /** A quorum no answer could meet is the client's mistake, told at once rather than after a wait. */
    private static void requireReachableQuorum(int quorum, ModelView model) {
        if (quorum > model.expected()) {
            throw tooLargeQuorum(quorum, model.expected(), "model " + model.modelId() + " has");
        }
    }

    private static InvalidRequestException tooLargeQuorum(int quorum, long shards, String whose) {
        return new InvalidRequestException(String.format(
                "quorum %d is more than the %d members (shards) %s: ask for at most %d", quorum, shards, whose, shards));
    }

    private void requireAnswer(GatherResult r, String modelId) {
        if (r.badRequest() != null) {
            throw new InvalidRequestException(r.badRequest());
        }
        if (!r.quorumMet()) {
            throw new EnsembleUnavailableException(String.format(
                    "model %s: %d of %d members (shards) answered before the deadline, quorum is %d; missing: %s",
                    modelId, r.used(), r.expected(), r.quorum(), missingShards(r)));
        }
    }

    private CompletableFuture<GatherResult> scatter(JobType type, byte[] body, Gather gather, long expirationMs,
            long deadlineEpochMs, boolean persistent) {
        return jobs.send(type, body, gather, expirationMs, deadlineEpochMs, persistent);
    }

    private void record(JobType type, GatherResult r, long startedMs) {
        meters.timer("ml.api.gather", "job", type.wireName()).record(Duration.ofMillis(clock.millis() - startedMs));
        meters.summary("ml.api.members.used", "job", type.wireName()).record(r.used());
        meters.summary("ml.api.members.expected", "job", type.wireName()).record(r.expected());
        // a learner awaited that never answered (or was lost on the way): the dashboard's missing replies
        r.states().forEach((learner, outcome) -> {
            if (outcome == Outcome.NO_REPLY || outcome == Outcome.LOST) {
                meters.counter("ml.api.learner.replies.missing", "learner", learner).increment();
            }
        });
    }

    private static Map<String, String> missingShards(GatherResult r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.missing().forEach(shard -> out.put(shard, r.shardOutcomes().get(shard)));
        return out;
    }

    private static List<FitOutcome.LearnerOutcome> fitOutcomes(GatherResult r) {
        Map<String, JobReply> byLearner = new LinkedHashMap<>();
        r.replies().forEach(o -> byLearner.put(o.learnerId(), o));
        r.others().forEach(o -> byLearner.putIfAbsent(o.learnerId(), o));
        List<FitOutcome.LearnerOutcome> out = new ArrayList<>();
        for (String learner : r.learners().keySet()) {
            JobReply reply = byLearner.get(learner);
            String outcome = r.outcomes().get(learner);
            Outcome state = r.states().get(learner);
            if (reply != null && reply.ok()) {
                MemberInfo m = reply.member();
                out.add(new FitOutcome.LearnerOutcome(learner, reply.shard(), "trained", reply.reason(),
                        m == null ? null : m.rows(), m == null ? null : m.trainMs()));
            } else {
                String status = state == Outcome.REJECTED ? "rejected" : state == Outcome.FAILED ? "failed" : "missing";
                out.add(new FitOutcome.LearnerOutcome(learner, null, status, outcome, null, null));
            }
        }
        return out;
    }

    private static String describe(Collection<FitOutcome.LearnerOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return "none alive";
        }
        return outcomes.stream().map(o -> o.learnerId() + " " + o.status() + (o.reason() == null || "ok".equals(o.reason())
                ? "" : " (" + o.reason() + ")")).reduce((a, b) -> a + "; " + b).orElse("");
    }

    private static Instant deadline(long now, Duration d) {
        return Instant.ofEpochMilli(now + d.toMillis());
    }
}
