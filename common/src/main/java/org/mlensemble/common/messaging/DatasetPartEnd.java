package org.mlensemble.common.messaging;

/**
 * The last message on a dataset stream: what the chunks before it add up to. A reader that
 * counts other figures has missed or mangled a chunk.
 */
public record DatasetPartEnd(String part, long rows, long bytes, String sha256) {
}
