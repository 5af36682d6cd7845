package org.mlensemble.common.messaging.sync;

/**
 * One file a learner holds, as offered to its peers.
 *
 * @param path   relative to the member's folder or the dataset's folder, '/'-separated
 * @param size   bytes
 * @param sha256 lowercase hex SHA-256 of the content; what arrives is checked against it
 */
public record SyncFile(String path, long size, String sha256) {
}
