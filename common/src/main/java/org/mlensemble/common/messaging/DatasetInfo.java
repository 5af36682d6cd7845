package org.mlensemble.common.messaging;

/**
 * What a learner holds of one dataset folder, for presence and for a store reply. An uploaded
 * dataset is described by its manifests; for one placed by hand only the name and which parts
 * exist are known cheaply, and the figures are -1 / null.
 *
 * @param shard        the learner's shard letter when it holds that shard's file, else null
 * @param rows         rows of that shard, -1 when unknown
 * @param sha256       hex SHA-256 of the shard file, null when unknown
 * @param hasTest      whether the folder has {@code test/data.csv}
 * @param testRows     rows of the test part, -1 when unknown
 * @param testSha256   hex SHA-256 of the test file, null when unknown
 * @param columns      columns of the header, 0 when unknown
 * @param uploadId     the upload the files came from, null when placed by hand
 * @param shards       number of training shards of the upload, 0 when unknown
 */
public record DatasetInfo(
        String dataset,
        String shard,
        long rows,
        String sha256,
        boolean hasTest,
        long testRows,
        String testSha256,
        int columns,
        String uploadId,
        String target,
        long seed,
        double testFraction,
        int shards,
        long createdAt) {

    /** True when the files came through an upload, with manifests. */
    public boolean uploaded() {
        return uploadId != null;
    }
}
