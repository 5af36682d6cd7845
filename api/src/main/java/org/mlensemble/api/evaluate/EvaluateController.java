package org.mlensemble.api.evaluate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.EvaluateCommand;
import org.mlensemble.api.ensemble.EvaluateOutcome;
import org.mlensemble.api.system.Deadlines;
import org.mlensemble.api.system.JsonBodies;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/ml-distributed/evaluate}: the ensemble's score on the dataset's labelled test
 * set, computed from the averaged member predictions.
 */
@RestController
@RequestMapping("/v1/ml-distributed")
class EvaluateController {

    /** The optional body; without {@code modelId}, the newest model of {@code dataset} is scored. */
    record EvaluateRequest(String modelId, String dataset, Long deadlineMs, Integer quorum, Boolean weighted) {
    }

    private final Ensemble ensemble;
    private final Deadlines deadlines;

    EvaluateController(Ensemble ensemble, Deadlines deadlines) {
        this.ensemble = ensemble;
        this.deadlines = deadlines;
    }

    /** {@code modelId} and {@code dataset} may come in the query too, as for predict; the body's win. */
    @PostMapping("/evaluate")
    CompletableFuture<Map<String, Object>> evaluate(@RequestBody(required = false) JsonNode body,
            @RequestParam(name = "modelId", required = false) String queryModelId,
            @RequestParam(name = "dataset", required = false) String queryDataset) {
        EvaluateRequest r = JsonBodies.bind(body, EvaluateRequest.class);
        var command = new EvaluateCommand(r.modelId() != null ? r.modelId() : queryModelId,
                r.dataset() != null ? r.dataset() : queryDataset,
                deadlines.deadline(r.deadlineMs(), deadlines.props().evaluateDeadline()), deadlines.quorum(r.quorum()),
                Boolean.TRUE.equals(r.weighted()));
        return ensemble.evaluate(command).thenApply(EvaluateController::render);
    }

    static Map<String, Object> render(EvaluateOutcome o) {
        RegressionMetrics m = o.ensemble();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("modelId", o.modelId());
        out.put("dataset", o.dataset());
        out.put("rows", m.rows());
        out.put("rmse", m.rmse());
        out.put("mae", m.mae());
        out.put("r2", m.r2());
        out.put("rmsle", m.rmsle());
        out.put("r2_score", m.r2());
        out.put("mean_absolute_error", m.mae());
        out.put("mean_squared_error", m.mse());
        out.put("mean_squared_log_error", m.msle());
        out.put("members", o.members());
        out.put("memberMetrics", o.memberMetrics());
        out.put("withoutMember", o.withoutMember());
        out.put("sample", o.sample());
        out.put("elapsedMs", o.elapsedMs());
        return out;
    }
}
