package org.mlensemble.api.datasets;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.mlensemble.common.messaging.DatasetPart;
import org.mlensemble.common.messaging.DatasetPartEnd;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker side of an upload: one durable stream queue per part, filled with chunks of CSV text
 * (each part's first chunk starts with the header line) under publisher confirms, and closed by a
 * {@link DatasetPartEnd} marker. A stream, unlike a classic queue, is read by every learner that
 * needs the part, from the start, and stays for a replica that joins later (until
 * {@code x-max-age}).
 */
final class DatasetStreams {

    private static final Logger log = LoggerFactory.getLogger(DatasetStreams.class);
    /** Unconfirmed chunks before the publisher waits: bounds what the broker buffers for us. */
    private static final int CONFIRM_EVERY = 32;

    private final ConnectionFactory factory;
    private final int chunkBytes;
    private final String maxAge;
    private final long confirmTimeoutMs;
    private final String instanceName;

    DatasetStreams(ConnectionFactory factory, int chunkBytes, String maxAge, long confirmTimeoutMs) {
        this(factory, chunkBytes, maxAge, confirmTimeoutMs, "api");
    }

    /** @param instanceName names the connections in the broker's UI: {@code api-1 dataset-upload} */
    DatasetStreams(ConnectionFactory factory, int chunkBytes, String maxAge, long confirmTimeoutMs,
            String instanceName) {
        this.instanceName = instanceName;
        this.factory = factory;
        this.chunkBytes = chunkBytes;
        this.maxAge = maxAge;
        this.confirmTimeoutMs = confirmTimeoutMs;
    }

    /** Declares the streams of one upload and returns a writer over them; close it in every case. */
    Upload open(List<String> parts, List<String> streams, String headerLine) throws IOException {
        Connection connection;
        try {
            connection = factory.newConnection(instanceName + " dataset-upload");
        } catch (TimeoutException e) {
            throw new IOException("timed out connecting to the broker", e);
        }
        try {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            List<PartWriter> writers = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                channel.queueDeclare(streams.get(i), true, false, false,
                        Map.of("x-queue-type", "stream", "x-max-age", maxAge));
                writers.add(new PartWriter(parts.get(i), streams.get(i), headerLine));
            }
            return new Upload(connection, channel, writers);
        } catch (IOException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** Deletes streams, best effort: a stream already gone is fine. */
    void delete(Collection<String> streams) {
        if (streams.isEmpty()) {
            return;
        }
        try {
            Connection connection = factory.newConnection(instanceName + " dataset-delete");
            try {
                for (String s : streams) {
                    Channel ch = connection.createChannel();
                    try {
                        ch.queueDelete(s);
                        ch.close();
                    } catch (IOException | RuntimeException e) {
                        log.debug("stream {} not deleted: {}", s, e.getMessage());
                    } catch (TimeoutException ignored) {
                        // closing anyway
                    }
                }
            } finally {
                closeQuietly(connection);
            }
        } catch (IOException | TimeoutException e) {
            log.warn("cannot delete dataset streams {}: {}", streams, e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close(2000);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    /** Writes the parts of one upload. Not thread-safe: one request writes it. */
    final class Upload implements AutoCloseable {
        private final Connection connection;
        private final Channel channel;
        private final List<PartWriter> writers;
        private int unconfirmed;
        private long published;

        private Upload(Connection connection, Channel channel, List<PartWriter> writers) {
            this.connection = connection;
            this.channel = channel;
            this.writers = writers;
        }

        /** Appends one CSV line (ending in a line break) to part {@code index}. */
        void append(int index, CharSequence line) throws IOException {
            PartWriter w = writers.get(index);
            w.append(line);
            if (w.buffer.size() >= chunkBytes) {
                publishChunk(w);
            }
        }

        /** Flushes every part, closes each with its marker and waits for the broker's confirms. */
        List<DatasetPart> finish() throws IOException {
            List<DatasetPart> out = new ArrayList<>();
            for (PartWriter w : writers) {
                if (w.buffer.size() > 0 || w.chunks == 0) {
                    publishChunk(w);
                }
                String sha = HexFormat.of().formatHex(w.digest.digest());
                DatasetPartEnd end = new DatasetPartEnd(w.part, w.rows, w.bytes, sha);
                publish(w.stream, "end", 0, MessageCodec.encode(end));
                out.add(new DatasetPart(w.part, w.stream, w.rows, w.bytes, sha));
            }
            awaitConfirms();
            return out;
        }

        long publishedBytes() {
            return published;
        }

        private void publishChunk(PartWriter w) throws IOException {
            byte[] body = w.buffer.toByteArray();
            w.buffer.reset();
            w.digest.update(body);
            w.bytes += body.length;
            w.chunks++;
            publish(w.stream, "data", w.rowsInBuffer, body);
            w.rowsInBuffer = 0;
        }

        private void publish(String stream, String kind, long rows, byte[] body) throws IOException {
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("end".equals(kind) ? "application/json" : "text/csv")
                    .deliveryMode(2)
                    .userId(factory.getUsername()) // learners read only what an api user wrote
                    .headers(Map.of(Headers.DATASET_CHUNK, kind, Headers.DATASET_ROWS, rows))
                    .build();
            channel.basicPublish("", stream, true, props, body);
            published += body.length;
            if (++unconfirmed >= CONFIRM_EVERY) {
                awaitConfirms();
            }
        }

        private void awaitConfirms() throws IOException {
            try {
                channel.waitForConfirmsOrDie(confirmTimeoutMs);
                unconfirmed = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the broker's confirms", e);
            } catch (TimeoutException e) {
                throw new IOException("the broker did not confirm the dataset chunks within " + confirmTimeoutMs
                        + " ms", e);
            }
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }

    private static final class PartWriter {
        final String part;
        final String stream;
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
        final MessageDigest digest;
        long rows;
        long rowsInBuffer;
        long bytes;
        int chunks;

        PartWriter(String part, String stream, String headerLine) {
            this.part = part;
            this.stream = stream;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            buffer.writeBytes(headerLine.getBytes(StandardCharsets.UTF_8));
        }

        void append(CharSequence line) {
            buffer.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            rows++;
            rowsInBuffer++;
        }
    }
}
