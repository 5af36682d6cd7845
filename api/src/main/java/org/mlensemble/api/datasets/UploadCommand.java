package org.mlensemble.api.datasets;

import java.io.InputStream;

/**
 * One upload as the controller received it.
 *
 * @param shards requested shard count, or null for one per shard letter among live learners
 */
public record UploadCommand(String name, String target, double testFraction, long seed, Integer shards, InputStream body,
        boolean gzip) {
}
