package org.mlensemble.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.EnsembleUnavailableException;
import org.mlensemble.api.ensemble.EvaluateCommand;
import org.mlensemble.api.ensemble.EvaluateOutcome;
import org.mlensemble.api.ensemble.FitCommand;
import org.mlensemble.api.ensemble.FitOutcome;
import org.mlensemble.api.membership.Members;
import org.mlensemble.api.ensemble.ModelChange;
import org.mlensemble.api.ensemble.ModelRemovedException;
import org.mlensemble.api.ensemble.NoModelException;
import org.mlensemble.api.ensemble.PredictCommand;
import org.mlensemble.api.ensemble.PredictOutcome;
import org.mlensemble.common.messaging.ModelRemoval;

/**
 * An in-memory ensemble for HTTP slice tests: it predicts the sum of a row's numbers, so every
 * answer is checkable, and it records the last command so tests can see what the controller built.
 */
public class FakeEnsemble implements Ensemble {

    public volatile boolean trained = true;
    public volatile Object lastCommand;
    /** When set, predicts complete with this failure, as a gather that failed does. */
    public volatile RuntimeException predictFailure;

    @Override
    public CompletableFuture<FitOutcome> fit(FitCommand c) {
        lastCommand = c;
        return CompletableFuture.completedFuture(new FitOutcome("m-test", c.dataset(), c.target(),
                c.algorithm() == null ? "linear" : c.algorithm(), Map.of(), c.seed(), new Members(4, 4, List.of()),
                List.of(), 1));
    }

    @Override
    public CompletableFuture<PredictOutcome> predict(PredictCommand c) {
        lastCommand = c;
        if (!trained) {
            throw new NoModelException();
        }
        if (predictFailure != null) {
            return CompletableFuture.supplyAsync(() -> {
                throw predictFailure;
            });
        }
        double[] out = new double[c.rows()];
        c.columns().values().forEach(values -> {
            for (int i = 0; i < out.length; i++) {
                if (values.get(i) instanceof Number n) {
                    out[i] += n.doubleValue();
                }
            }
        });
        return CompletableFuture.completedFuture(new PredictOutcome("m-test", out, new Members(3, 4,
                List.of("D"), Map.of("A", "learner-1", "B", "learner-6", "C", "learner-3")), 1));
    }

    @Override
    public CompletableFuture<EvaluateOutcome> evaluate(EvaluateCommand c) {
        lastCommand = c;
        return CompletableFuture.failedFuture(new EnsembleUnavailableException("no member answered before the deadline"));
    }

    /** Model {@code m-gone} was deleted at 2026-12-01T05:00:00Z; any other is held by learner-1 and learner-2. */
    @Override
    public CompletableFuture<ModelChange> delete(String modelId) {
        lastCommand = "delete " + modelId;
        return change(modelId, "deleted");
    }

    @Override
    public CompletableFuture<ModelChange> pin(String modelId, boolean pinned) {
        lastCommand = (pinned ? "pin " : "unpin ") + modelId;
        return change(modelId, pinned ? "pinned" : "unpinned");
    }

    private static CompletableFuture<ModelChange> change(String modelId, String action) {
        if ("m-gone".equals(modelId)) {
            throw new ModelRemovedException(new ModelRemoval(modelId, ModelRemoval.DELETED,
                    java.time.Instant.parse("2026-12-01T05:00:00Z").toEpochMilli()));
        }
        return CompletableFuture.completedFuture(new ModelChange(modelId, action, List.of("learner-1", "learner-2"),
                List.of(), 3));
    }
}
