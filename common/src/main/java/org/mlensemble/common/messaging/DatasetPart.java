package org.mlensemble.common.messaging;

/**
 * One part of an uploaded dataset as the api published it.
 *
 * @param part    a shard letter or {@link StoreDatasetJob#TEST_PART}
 * @param stream  the stream queue that carries it ({@link Topology#datasetStream})
 * @param rows    data rows (the header not counted)
 * @param bytes   size of the part's file: the header line and its rows, as CSV
 * @param sha256  hex SHA-256 of exactly those bytes
 */
public record DatasetPart(String part, String stream, long rows, long bytes, String sha256) {
}
