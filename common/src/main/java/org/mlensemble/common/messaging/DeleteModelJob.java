package org.mlensemble.common.messaging;

/** Remove this learner's member of {@code modelId}, from memory and disk. */
public record DeleteModelJob(String modelId) {
}
