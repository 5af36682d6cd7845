package org.mlensemble.common.messaging;

/** Pin ({@code pinned}) or unpin this learner's member of {@code modelId}: retention never removes a pinned one. */
public record PinModelJob(String modelId, boolean pinned) {
}
