package org.mlensemble.api.datasets;

import java.util.List;

/**
 * The answer to an upload: every shard stored by at least one learner.
 *
 * @param bodyBytes bytes received (before gzip decoding)
 * @param streamedBytes CSV bytes published to the broker, all parts together
 */
public record UploadOutcome(String dataset, String uploadId, String target, int rows, int columns, double testFraction,
        long seed, List<PartOutcome> shards, PartOutcome test, long bodyBytes, long streamedBytes,
        Timings timings) {

    /** One part: its figures and the learners that confirmed they hold it. */
    public record PartOutcome(String part, long rows, String sha256, List<String> learners) {
    }

    /** Where the time went, in milliseconds. */
    public record Timings(long spoolMs, long streamMs, long storeMs, long totalMs) {
    }
}
