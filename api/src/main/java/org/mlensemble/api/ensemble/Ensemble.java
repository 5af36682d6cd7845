package org.mlensemble.api.ensemble;

import java.util.concurrent.CompletableFuture;

/**
 * The distributed ensemble as the HTTP layer sees it. Each call scatters a job to the learners
 * and completes when the gather does; no thread waits meanwhile. A call or future that fails
 * carries one of this package's exceptions ({@link InvalidRequestException},
 * {@link UnknownModelException}, {@link ModelRemovedException}, {@link NoModelException},
 * {@link AmbiguousModelException}, {@link EnsembleUnavailableException}); the web edge maps them to
 * HTTP problems.
 */
public interface Ensemble {

    CompletableFuture<FitOutcome> fit(FitCommand command);

    CompletableFuture<PredictOutcome> predict(PredictCommand command);

    CompletableFuture<EvaluateOutcome> evaluate(EvaluateCommand command);

    /** Removes every member of a model version: a job to every learner, gathered like a fit. */
    CompletableFuture<ModelChange> delete(String modelId);

    /** Pins (or unpins) a model version on every holder: retention keeps a pinned one. */
    CompletableFuture<ModelChange> pin(String modelId, boolean pinned);
}
