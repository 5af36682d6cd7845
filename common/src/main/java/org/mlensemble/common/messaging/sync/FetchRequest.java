package org.mlensemble.common.messaging.sync;

/**
 * Asks one peer for a chunk of one file it listed in its {@link Inventory}. The answer is the raw
 * bytes as the body, with the headers {@code x-ml-sync-status} and {@code x-ml-sync-file-size}; a
 * large file takes several requests, so that no message is huge.
 *
 * @param learnerId the asking learner
 * @param kind      {@code member} (name = model id, path = file of its folder) or {@code dataset}
 *                  (name = dataset, path = file relative to the dataset's folder)
 * @param offset    first byte wanted
 * @param length    most bytes wanted; the peer may send fewer, never more
 */
public record FetchRequest(String learnerId, String kind, String name, String path, long offset, int length) {

    public static final String MEMBER = "member";
    public static final String DATASET = "dataset";
}
