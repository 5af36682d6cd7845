package org.mlensemble.common.messaging;

/**
 * Progress of one fit on one learner.
 *
 * @param phase   {@code queued}, {@code loading}, {@code training}, {@code saving}, {@code done} or {@code failed}
 * @param percent rough completion, 0-100
 */
public record TrainingProgress(String modelId, String phase, int percent, String reason, long updatedAt) {
}
