package org.mlensemble.api.membership;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.ModelChange;
import org.mlensemble.api.ensemble.ModelRemovedException;
import org.mlensemble.api.ensemble.UnknownModelException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cluster as presence shows it: learners and model versions, and the model lifecycle (delete,
 * pin). Any api instance answers the same.
 */
@RestController
@RequestMapping("/v1/ml-distributed")
class MembershipController {

    /**
     * A model version in a listing.
     *
     * @param members     its shards: {@code used} those with a live holder, of {@code expected}
     * @param holders     learners holding a member (replicas each), alive or not
     * @param liveHolders those alive now
     */
    record ModelSummary(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
            long seed, long createdAt, Members members, List<String> holders, List<String> liveHolders,
            boolean pinned) {
    }

    private final Membership membership;
    private final Ensemble ensemble;

    MembershipController(Membership membership, Ensemble ensemble) {
        this.membership = membership;
        this.ensemble = ensemble;
    }

    @GetMapping("/learners")
    List<LearnerView> learners() {
        return membership.learners();
    }

    @GetMapping("/models")
    List<ModelSummary> models() {
        return membership.models().stream().map(m -> new ModelSummary(m.modelId(), m.dataset(), m.target(),
                m.algorithm(), m.params(), m.seed(), m.createdAt(), m.summary(null), m.holders(),
                m.holders().stream().filter(m.liveHolders()::contains).toList(), m.pinned())).toList();
    }

    @GetMapping("/models/{modelId}")
    ModelView model(@PathVariable String modelId) {
        return membership.model(modelId).orElseThrow(() -> membership.removal(modelId)
                .<RuntimeException>map(ModelRemovedException::new)
                .orElseGet(() -> new UnknownModelException(modelId)));
    }

    @DeleteMapping("/models/{modelId}")
    CompletableFuture<ModelChange> delete(@PathVariable String modelId) {
        return ensemble.delete(modelId);
    }

    @PutMapping("/models/{modelId}/pin")
    CompletableFuture<ModelChange> pin(@PathVariable String modelId) {
        return ensemble.pin(modelId, true);
    }

    @DeleteMapping("/models/{modelId}/pin")
    CompletableFuture<ModelChange> unpin(@PathVariable String modelId) {
        return ensemble.pin(modelId, false);
    }

    /** A broker-free endpoint: the HTTP floor of the benchmarks. */
    @GetMapping("/ping")
    Map<String, String> ping() {
        return Map.of("status", "ok");
    }
}
