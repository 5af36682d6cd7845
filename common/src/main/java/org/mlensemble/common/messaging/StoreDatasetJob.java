package org.mlensemble.common.messaging;

import java.util.List;

/**
 * Store an uploaded dataset: every learner reads the stream of its own shard letter and the one of
 * the test part from the start, checks rows and checksum, and moves the files into
 * {@code <data-dir>/<dataset>/<shard>/data.csv} and {@code <data-dir>/<dataset>/test/data.csv}.
 * A learner whose letter is not among the parts stores only the test part.
 *
 * @param uploadId     names this upload's streams; a new upload of the same name gets a new id
 * @param columns      the header, in file order
 * @param parts        the training shards {@code A, B, ...} in order, then {@code test}
 * @param testFraction share of the rows in the test part
 * @param createdAt    epoch millis when the api accepted the upload
 */
public record StoreDatasetJob(
        String dataset,
        String uploadId,
        String target,
        List<String> columns,
        List<DatasetPart> parts,
        long seed,
        double testFraction,
        long createdAt) {

    /** The part name of the labelled test set. */
    public static final String TEST_PART = "test";

    public StoreDatasetJob {
        columns = columns == null ? List.of() : List.copyOf(columns);
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    /** Number of training shards. */
    public int shards() {
        return (int) parts.stream().filter(p -> !TEST_PART.equals(p.part())).count();
    }
}
