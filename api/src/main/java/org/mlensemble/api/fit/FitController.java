package org.mlensemble.api.fit;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.FitCommand;
import org.mlensemble.api.ensemble.FitOutcome;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.api.system.Deadlines;
import org.mlensemble.api.system.JsonBodies;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.learning.RequestDefaults;
import org.mlensemble.common.learning.Training;
import org.mlensemble.common.messaging.Names;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/ml-distributed/fit}: trains a new model version on every learner's shard. */
@RestController
@RequestMapping("/v1/ml-distributed")
class FitController {

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

    private final Ensemble ensemble;
    private final Deadlines deadlines;

    FitController(Ensemble ensemble, Deadlines deadlines) {
        this.ensemble = ensemble;
        this.deadlines = deadlines;
    }

    @PostMapping("/fit")
    CompletableFuture<ResponseEntity<FitOutcome>> fit(@RequestBody(required = false) JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false) String keyHeader) {
        FitCommand command = command(JsonBodies.bind(body, FitRequest.class), keyHeader);
        CompletableFuture<FitOutcome> outcome = ensemble.fit(command);
        if (command.async()) {
            return outcome.thenApply(o -> ResponseEntity.accepted()
                    .location(URI.create("/v1/ml-distributed/fit/jobs/" + o.modelId())).body(o));
        }
        return outcome.thenApply(ResponseEntity::ok);
    }

    private FitCommand command(FitRequest r, String keyHeader) {
        String dataset = r.dataset() == null ? RequestDefaults.DATASET : r.dataset();
        if (!Names.isSafeName(dataset)) {
            throw ApiProblem.badRequest("dataset must be a folder name of letters, digits, '_', '-' or '.', got '"
                    + dataset + "'");
        }
        String target = r.target() == null ? RequestDefaults.TARGET : r.target();
        if (target.isBlank()) {
            throw ApiProblem.badRequest("target must name a column");
        }
        String sampling = r.sampling() == null ? "shard" : r.sampling();
        if (!List.of("shard", "bootstrap").contains(sampling)) {
            throw ApiProblem.badRequest("sampling must be 'shard' or 'bootstrap', got '" + sampling + "'");
        }
        Map<String, String> types = r.columnTypes() == null ? Map.of() : r.columnTypes();
        types.forEach((column, type) -> {
            if (!"numeric".equals(type) && !"categorical".equals(type)) {
                throw ApiProblem.badRequest("columnTypes." + column + " must be 'numeric' or 'categorical', got '"
                        + type + "'");
            }
        });
        String key = r.idempotencyKey() != null ? r.idempotencyKey() : keyHeader;
        if (key != null && !KEY.matcher(key).matches()) {
            throw ApiProblem.badRequest("idempotencyKey must be 1-200 printable ASCII characters without spaces");
        }
        if (r.idempotencyKey() != null && keyHeader != null && !r.idempotencyKey().equals(keyHeader)) {
            throw ApiProblem.badRequest("the Idempotency-Key header and the body's idempotencyKey differ");
        }
        Training training = Training.fromWire(r.training());
        if (training == Training.JOINT) {
            Algorithm algorithm = Algorithm.fromWire(r.algorithm());
            if (!Training.supportsJoint(algorithm)) {
                throw ApiProblem.badRequest("training 'joint' trains one XGBoost model over all shards: it is for"
                        + " algorithm 'boosted' or 'forest', not '" + algorithm.wireName() + "'");
            }
            if (Boolean.TRUE.equals(r.weighted())) {
                throw ApiProblem.badRequest("weighted weights the members of a per-shard fit; a joint fit is one"
                        + " model, with nothing to weight");
            }
        }
        return new FitCommand(dataset, target, r.algorithm(), r.params(), r.seed() == null ? RequestDefaults.SEED : r.seed(),
                sampling, Boolean.TRUE.equals(r.logTarget()), Boolean.TRUE.equals(r.weighted()), types,
                r.ignore() == null ? RequestDefaults.IGNORE : r.ignore(),
                deadlines.deadline(r.deadlineMs(), deadlines.props().fitDeadline()), deadlines.quorum(r.quorum()), key,
                Boolean.TRUE.equals(r.async()), training);
    }
}
