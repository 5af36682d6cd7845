package org.mlensemble.common.messaging;

/**
 * A model version a learner no longer holds, and why: a tombstone. Learners keep a bounded number
 * of them and list them in their heartbeats, so that an api asked for the model can say it was
 * removed, and when, rather than report an outage.
 *
 * @param cause     {@link #DELETED} (a {@code DELETE /models/{id}}), {@link #RETENTION_COUNT} or
 *                  {@link #RETENTION_AGE}
 * @param removedAt when the learner removed it (epoch millis, the learner's clock)
 */
public record ModelRemoval(String modelId, String cause, long removedAt) {

    public static final String DELETED = "deleted";
    public static final String RETENTION_COUNT = "retention-count";
    public static final String RETENTION_AGE = "retention-age";
}
