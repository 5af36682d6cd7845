package org.mlensemble.api.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.ManualClock;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.features.EncodingOptions;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.learning.Training;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.JointReport;
import org.mlensemble.common.messaging.JointSpec;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PrepareJointJob;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.table.Table;

/**
 * The joint fit's orchestration against scripted learners: who the workers are, what the jobs
 * carry, and what happens when a worker is lost.
 */
class JointFitTest {

    private static final Duration LIVENESS = Duration.ofMillis(300);
    private final ManualClock clock = new ManualClock();
    private final Membership membership = new Membership(clock, LIVENESS, Duration.ofMinutes(5));
    private final List<Object> sent = new ArrayList<>();
    /** How each learner answers a job; absent: it does not answer (lost). */
    private Function<Object, Map<String, JobReply>> learners;

    @Test
    void onePerShardPreparesThenTrainsWithTheMergedEncodingAndTheTracker() {
        heartbeats("learner-1:A", "learner-2:B", "learner-3:A");
        learners = job -> answerAll(job, List.of("learner-1", "learner-2", "learner-3"));

        FitOutcome outcome = fit(1).join();

        PrepareJointJob prepare = (PrepareJointJob) sent.get(0);
        assertThat(prepare.ranks()).isEqualTo(Map.of("learner-1", 0, "learner-2", 1));
        FitJob job = (FitJob) sent.get(1);
        JointSpec spec = job.joint();
        assertThat(spec.tracker()).containsEntry("dmlc_tracker_port", 9091);
        assertThat(spec.shards()).isEqualTo(Map.of("learner-1", "A", "learner-2", "B"));
        // levels of both shards, in one order
        assertThat(spec.encoding().featureNames()).containsExactly("kind=brick", "kind=wood", FeatureEncoding.BIAS);
        assertThat(outcome.training()).isEqualTo("joint");
        assertThat(outcome.joint().shards()).isEqualTo("A+B");
        assertThat(outcome.joint().attempts()).isEqualTo(1);
        assertThat(outcome.members().used()).isEqualTo(2);
        assertThat(outcome.members().missing()).isEmpty();
    }

    @Test
    void aWorkerLostInTrainingIsReplacedByAReplicaOfItsShard() {
        heartbeats("learner-1:A", "learner-2:B", "learner-3:A");
        learners = job -> {
            if (job instanceof FitJob f && f.joint().attempt() == 1) {
                // learner-1 dies mid-training: learner-2 fails with it, and presence loses learner-1
                clock.advance(LIVENESS.multipliedBy(2));
                heartbeats("learner-2:B", "learner-3:A");
                return Map.of("learner-2", JobReply.of("learner-2", "B", JobType.FIT, f.modelId(), ReplyStatus.FAILED,
                        "the joint training's worker failed (exit 3); " + JointSpec.COLLECTIVE_FAILED));
            }
            return answerAll(job, List.of("learner-1", "learner-2", "learner-3"));
        };

        FitOutcome outcome = fit(1).join();

        assertThat(outcome.joint().attempts()).isEqualTo(2);
        assertThat(outcome.joint().workers()).isEqualTo(Map.of("learner-3", "A", "learner-2", "B"));
        assertThat(outcome.joint().missingShards()).isEmpty();
        assertThat(outcome.joint().failures()).singleElement().asString().contains("learner-1");
    }

    @Test
    void aWorkerLostWithoutAReplicaLeavesItsShardOutOrFailsBelowTheQuorum() {
        heartbeats("learner-1:A", "learner-2:B");
        learners = job -> {
            if (job instanceof FitJob f && f.joint().attempt() == 1) {
                clock.advance(LIVENESS.multipliedBy(2));
                heartbeats("learner-2:B");
                return Map.of();
            }
            return answerAll(job, List.of("learner-1", "learner-2"));
        };

        FitOutcome outcome = fit(1).join();
        assertThat(outcome.joint().shards()).isEqualTo("B");
        assertThat(outcome.joint().missingShards()).containsExactly("A");
        assertThat(outcome.members().missing()).containsExactly("A");

        heartbeats("learner-1:A", "learner-2:B");
        CompletionException failed = assertThrows(CompletionException.class, () -> fit(2).join());
        assertThat(failed.getCause()).isInstanceOf(EnsembleUnavailableException.class);
        assertThat(failed.getCause().getMessage()).contains("learner-1", "below the quorum of 2");
    }

    @Test
    void aShardTheLearnersRejectIsABadRequest() {
        heartbeats("learner-1:A", "learner-2:B");
        learners = job -> Map.of("learner-1", JobReply.of("learner-1", "A", JobType.PREPARE_JOINT, "m",
                ReplyStatus.BAD_REQUEST, "unknown target 'Price'"));

        CompletionException failed = assertThrows(CompletionException.class, () -> fit(1).join());

        assertThat(failed.getCause()).isInstanceOf(InvalidRequestException.class);
        assertThat(failed.getCause().getMessage()).contains("unknown target");
    }

    // ------------------------------------------------------------------ scripted learners

    private CompletableFuture<FitOutcome> fit(int quorum) {
        JointFit joint = new JointFit(this::scatter, membership, clock, new SimpleMeterRegistry());
        var c = new FitCommand("house", "price", "boosted", Map.of(), 7, "shard", false, false, Map.of(),
                List.of(), Duration.ofSeconds(60), quorum, null, false, Training.JOINT);
        return joint.fit(c, "m-joint", clock.millis(), "boosted", Map.of());
    }

    private CompletableFuture<GatherResult> scatter(JobType type, byte[] body, Gather gather, long expirationMs,
            long deadline, boolean persistent) {
        Object job = type == JobType.PREPARE_JOINT ? MessageCodec.decode(body, PrepareJointJob.class)
                : MessageCodec.decode(body, FitJob.class);
        sent.add(job);
        learners.apply(job).forEach((learner, reply) -> {
            if (gather.expects(learner)) {
                gather.offer(reply);
            }
        });
        gather.retainAwaited(membership.live());
        return CompletableFuture.supplyAsync(gather::close, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
    }

    /** Every named learner that the job names answers it successfully. */
    private static Map<String, JobReply> answerAll(Object job, List<String> learners) {
        Map<String, JobReply> out = new java.util.HashMap<>();
        for (String l : learners) {
            String shard = l.equals("learner-2") ? "B" : "A";
            if (job instanceof PrepareJointJob p && p.ranks().containsKey(l)) {
                Table t = new Table(List.of("kind", "price"), List.<String[]>of(new String[] {shard.equals("A")
                        ? "brick" : "wood", "1"}));
                var summary = FeatureEncoding.fit(t, "price", new EncodingOptions(false, 0, true, false, Map.of(),
                        java.util.Set.of()));
                Map<String, Object> tracker = p.ranks().get(l) == 0
                        ? Map.of("dmlc_tracker_uri", "127.0.0.1", "dmlc_tracker_port", 9091) : Map.of();
                out.put(l, new JobReply(l, shard, JobType.PREPARE_JOINT, p.modelId(), ReplyStatus.OK, null, null, null,
                        null, 1, null, new JointReport(summary, 1, tracker)));
            } else if (job instanceof FitJob f && f.joint().ranks().containsKey(l)) {
                var info = new MemberInfo(f.modelId(), l, f.joint().coveredShards(), "house", "price", "boosted",
                        Map.of(), 7, "shard", 0, 1, 1, 3, 5, Double.NaN,
                        Map.of("rank", f.joint().ranks().get(l).toString()));
                out.put(l, new JobReply(l, shard, JobType.FIT, f.modelId(), ReplyStatus.OK, null, null, null, info, 5));
            }
        }
        return out;
    }

    private void heartbeats(String... learnerShards) {
        for (String ls : learnerShards) {
            String[] p = ls.split(":");
            var data = new DatasetInfo("house", p[1], 1, null, true, 1, null, 2, null, null, 0, 0, 0, 0);
            membership.onHeartbeat(new Heartbeat(p[0], p[1], "i-" + p[0], clock.millis(), 0, List.of(), List.of(),
                    false, 0, List.of(data)));
        }
    }
}
