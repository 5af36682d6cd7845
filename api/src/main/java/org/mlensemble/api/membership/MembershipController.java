package org.mlensemble.api.membership;

import java.util.List;
import java.util.Map;
import org.mlensemble.api.system.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The cluster as presence shows it: learners and model versions. Any api instance answers the same. */
@RestController
@RequestMapping("/v1/ml-distributed")
class MembershipController {

    /**
     * A model version in a listing.
     *
     * @param members     learners holding a member (replicas counted each)
     * @param liveMembers those alive now
     * @param shards      shards of the model: the members an answer expects
     * @param liveShards  shards with at least one live holder
     */
    record ModelSummary(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
            long seed, long createdAt, int members, int liveMembers, List<String> holders, int shards,
            int liveShards) {
    }

    private final Membership membership;

    MembershipController(Membership membership) {
        this.membership = membership;
    }

    @GetMapping("/learners")
    List<LearnerView> learners() {
        return membership.learners();
    }

    @GetMapping("/models")
    List<ModelSummary> models() {
        return membership.models().stream().map(m -> new ModelSummary(m.modelId(), m.dataset(), m.target(),
                m.algorithm(), m.params(), m.seed(), m.createdAt(), m.holders().size(), m.liveHolders().size(),
                m.holders(), m.expected(),
                (int) m.shards().values().stream().filter(sh -> !sh.liveHolders().isEmpty()).count())).toList();
    }

    @GetMapping("/models/{modelId}")
    ModelView model(@PathVariable String modelId) {
        return membership.model(modelId).orElseThrow(() -> new ApiProblem(HttpStatus.NOT_FOUND, "Unknown model",
                "No known learner holds model '" + modelId + "'."));
    }

    /** A broker-free endpoint: the HTTP floor of the benchmarks. */
    @GetMapping("/ping")
    Map<String, String> ping() {
        return Map.of("status", "ok");
    }
}
