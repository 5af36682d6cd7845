package org.mlensemble.api.datasets;

import java.util.List;

/**
 * A dataset as presence shows it: which learners hold which part. For a folder placed by hand
 * only the parts and holders are known; figures are -1.
 *
 * @param uploadId  the upload the learners' files came from, null when placed by hand
 * @param replicas  live holders of the least-held shard: how many learners may go before a shard is lost
 */
public record DatasetView(String name, boolean uploaded, String uploadId, String target, Long seed, Double testFraction,
        Long createdAt, int columns, List<ShardView> shards, TestView test, int replicas) {

    /** One training shard. */
    public record ShardView(String shard, long rows, String sha256, List<String> learners, List<String> liveLearners) {
    }

    /** The labelled test part, which every learner holds. */
    public record TestView(long rows, String sha256, List<String> learners) {
    }

    /** The streams this dataset's upload left on the broker, by part, for deleting them. */
    List<String> parts() {
        List<String> out = new java.util.ArrayList<>(shards.stream().map(ShardView::shard).toList());
        out.add(org.mlensemble.common.messaging.StoreDatasetJob.TEST_PART);
        return out;
    }
}
