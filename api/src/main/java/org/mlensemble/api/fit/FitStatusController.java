package org.mlensemble.api.fit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mlensemble.api.ensemble.ModelRemovedException;
import org.mlensemble.api.membership.LearnerView;
import org.mlensemble.api.membership.Members;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.api.system.Deadlines;
import org.mlensemble.common.messaging.JointSpec;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.ModelIds;
import org.mlensemble.common.messaging.TrainingProgress;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/ml-distributed/fit/jobs/{modelId}}: the progress of a fit, read from presence,
 * so any api instance answers for a fit that another started.
 */
@RestController
@RequestMapping("/v1/ml-distributed/fit/jobs")
class FitStatusController {

    /**
     * One learner's part: {@code trained}, a training phase, {@code failed}, {@code pending}, or
     * {@code skipped} for a replica that takes no part in a joint fit (its reason says so).
     */
    record MemberStatus(String learnerId, String shard, boolean alive, String phase, int percent, String reason,
            Integer rows, Long trainMs) {
    }

    /**
     * @param state   {@code done} when no live learner is still working on it, else {@code running};
     *                {@code pending} while no learner has reported on it
     * @param trained learners holding a trained member (replicas counted each)
     * @param members the shards the known learners hold ({@code expected}; for a joint fit its one
     *                member, labelled with every shard it covers), those with a trained replica
     *                ({@code used}, {@code servedBy} its first trained replica), and every
     *                learner's {@link MemberStatus} in {@code list}
     */
    record FitStatus(String modelId, String state, int trained, int failed, int percent, Members members) {
    }

    private final Membership membership;
    private final Clock clock;
    private final Duration catchUp;

    FitStatusController(Membership membership, Clock clock, Deadlines deadlines) {
        this.membership = membership;
        this.clock = clock;
        this.catchUp = deadlines.props().fitCatchUp();
    }

    /**
     * A fit no learner has reported on is {@code pending} while its job may still be picked up: its
     * id says when it was minted, and a job waits in a learner's queue for the catch-up window.
     * Otherwise the id is unknown (404), or names a model that was removed (404 saying when).
     */
    @GetMapping("/{modelId}")
    FitStatus status(@PathVariable String modelId) {
        FitStatus status = progress(modelId);
        if ("pending".equals(status.state())) {
            boolean recent = ModelIds.mintedAt(modelId)
                    .map(at -> !at.isBefore(clock.instant().minus(catchUp).minusSeconds(1))).orElse(false);
            if (!recent) {
                throw membership.removal(modelId).<RuntimeException>map(ModelRemovedException::new)
                        .orElseGet(() -> new ApiProblem(HttpStatus.NOT_FOUND, "Unknown fit job",
                                "No learner knows a fit of model '" + modelId + "', and it was not started within"
                                        + " the last " + catchUp + "; GET /v1/ml-distributed/models lists the models."));
            }
        }
        return status;
    }

    private FitStatus progress(String modelId) {
        List<LearnerView> learners = membership.learners();
        // A joint fit has one member, labelled with every shard it covers, trained by one learner
        // per shard; the other replicas take no part, so they are neither pending nor expected.
        String joint = learners.stream().flatMap(l -> l.held().stream())
                .filter(m -> m.modelId().equals(modelId) && JointSpec.isJoint(m.shard())).map(MemberInfo::shard)
                .findFirst().orElse(null);
        List<MemberStatus> members = new ArrayList<>();
        int trained = 0;
        int failed = 0;
        int running = 0;
        int percentSum = 0;
        int counted = 0;
        Set<String> shards = new TreeSet<>();
        Map<String, String> trainedBy = new TreeMap<>();
        if (joint != null) {
            shards.add(joint);
        }
        for (LearnerView l : learners) {
            MemberInfo held = l.held().stream().filter(m -> m.modelId().equals(modelId)).findFirst().orElse(null);
            TrainingProgress p = l.training().stream().filter(t -> t.modelId().equals(modelId)).findFirst()
                    .orElse(null);
            MemberStatus s;
            String shard = l.shard() == null ? l.learnerId() : l.shard();
            if (joint == null) {
                shards.add(shard);
            }
            if (held != null) {
                trainedBy.putIfAbsent(held.shard() == null ? shard : held.shard(), l.learnerId());
                s = new MemberStatus(l.learnerId(), l.shard(), l.alive(), "trained", 100, null, held.rows(),
                        held.trainMs());
                trained++;
            } else if (p != null && "failed".equals(p.phase())) {
                s = new MemberStatus(l.learnerId(), l.shard(), l.alive(), "failed", 100, p.reason(), null, null);
                failed++;
            } else if (p != null) {
                s = new MemberStatus(l.learnerId(), l.shard(), l.alive(), p.phase(), p.percent(), null, null, null);
                running += l.alive() ? 1 : 0;
            } else if (joint != null) {
                members.add(new MemberStatus(l.learnerId(), l.shard(), l.alive(), "skipped", 0,
                        "not a worker of this joint fit: one learner per shard trains the joint model " + joint,
                        null, null));
                continue;
            } else {
                s = new MemberStatus(l.learnerId(), l.shard(), l.alive(), "pending", 0, null, null, null);
                running += l.alive() ? 1 : 0;
            }
            percentSum += s.percent();
            counted++;
            members.add(s);
        }
        String state = trained + failed == 0 && members.stream().allMatch(m -> "pending".equals(m.phase())) ? "pending"
                : running == 0 ? "done" : "running";
        int percent = counted == 0 ? 0 : percentSum / counted;
        return new FitStatus(modelId, state, trained, failed, percent, Members.of(shards, trainedBy, members));
    }
}
