package org.mlensemble.learner.training.joint;

/**
 * What a joint-training worker reports beside the model it writes ({@code model.ubj}).
 *
 * @param rank          the rank the tracker gave this worker
 * @param workers       how many workers trained
 * @param rounds        boosting rounds trained
 * @param bestIteration the round prediction uses
 * @param sha256        digest of the model bytes: rank 0's, which every worker keeps
 */
public record WorkerResult(int rank, int workers, int rounds, int bestIteration, String sha256) {
}
