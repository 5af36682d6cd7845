package org.mlensemble.api.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.concurrent.CompletableFuture;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.Members;
import org.mlensemble.api.ensemble.PredictCommand;
import org.mlensemble.api.system.Deadlines;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/ml-distributed/predict}: the body is the rows, options are query parameters.
 */
@RestController
@RequestMapping("/v1/ml-distributed")
class PredictController {

    /** The seed's fields first ({@code Prediction}, {@code ProblemType}), then ours. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PredictResponse(@JsonProperty("Prediction") double prediction,
            @JsonProperty("ProblemType") String problemType,
            @JsonProperty("Predictions") double[] predictions,
            String modelId, Members members, long elapsedMs) {
    }

    private final Ensemble ensemble;
    private final Deadlines deadlines;

    PredictController(Ensemble ensemble, Deadlines deadlines) {
        this.ensemble = ensemble;
        this.deadlines = deadlines;
    }

    @PostMapping("/predict")
    CompletableFuture<PredictResponse> predict(@RequestBody(required = false) JsonNode body,
            @RequestParam(required = false) String modelId, @RequestParam(required = false) Long deadlineMs,
            @RequestParam(required = false) Integer quorum, @RequestParam(defaultValue = "false") boolean weighted) {
        PredictRows.Rows rows = PredictRows.read(body, deadlines.props().maxRows());
        var command = new PredictCommand(modelId, rows.columns(), rows.count(),
                deadlines.deadline(deadlineMs, deadlines.props().predictDeadline()), deadlines.quorum(quorum), weighted);
        return ensemble.predict(command).thenApply(o -> new PredictResponse(o.predictions()[0], "regression",
                o.predictions().length > 1 ? o.predictions() : null, o.modelId(), o.members(), o.elapsedMs()));
    }
}
