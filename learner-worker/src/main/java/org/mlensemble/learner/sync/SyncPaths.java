package org.mlensemble.learner.sync;

import org.mlensemble.common.messaging.Names;

/**
 * Which relative paths a peer may name. A path from the network becomes a file on disk, so it
 * is checked on both sides: the server serves nothing else, the client writes nothing else.
 */
final class SyncPaths {

    static final String TEST_PART = "test";

    private SyncPaths() {
    }

    /** A file directly in a member's folder. */
    static boolean memberFile(String path) {
        return Names.isSafeName(path);
    }

    /** A file of {@code shard}'s part or of the test part of a dataset: {@code A/data.csv}, {@code test/data.csv}. */
    static boolean datasetFile(String shard, String path) {
        if (path == null) {
            return false;
        }
        String[] parts = path.split("/", -1);
        if (parts.length < 2 || !(parts[0].equals(shard) || parts[0].equals(TEST_PART))) {
            return false;
        }
        for (String p : parts) {
            if (!Names.isSafeName(p)) {
                return false;
            }
        }
        return true;
    }
}
