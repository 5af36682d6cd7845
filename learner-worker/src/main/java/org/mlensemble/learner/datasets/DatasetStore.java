package org.mlensemble.learner.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.DatasetPartEnd;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.StoreDatasetJob;

/**
 * The dataset folders of one learner: {@code <data-dir>/<dataset>/<part>/data.csv}, each uploaded
 * part with a {@code manifest.json} beside it. A part is received into a private folder under
 * {@code <data-dir>/.incoming/}, checked against the figures the api sent (rows, bytes, SHA-256),
 * and only then moved into place by an atomic rename: a reader sees the old file or the new one,
 * never half of one, and a part that fails its check leaves nothing behind. Several learners may
 * share one data directory; each renames its own files, and the same part renamed twice is the
 * same content.
 */
public final class DatasetStore {

    /** A part did not arrive as sent. */
    public static final class PartMismatch extends RuntimeException {
        PartMismatch(String message) {
            super(message);
        }
    }

    /** What lies next to an uploaded part's data file. */
    record Manifest(String dataset, String part, long rows, int columns, long bytes, String sha256, String uploadId,
            String target, long seed, double testFraction, int shards, long createdAt) {
    }

    static final String DATA_FILE = "data.csv";
    static final String MANIFEST_FILE = "manifest.json";
    static final String INCOMING = ".incoming";

    private final Path dataDir;
    private final String shard;

    public DatasetStore(Path dataDir, String shard) {
        this.dataDir = dataDir;
        this.shard = shard;
    }

    /** Starts receiving one part into a private temporary file. */
    public Receiving receive(String dataset, String part) throws IOException {
        requireSafe(dataset);
        Path dir = dataDir.resolve(INCOMING).resolve(UUID.randomUUID().toString());
        Files.createDirectories(dir);
        return new Receiving(dataset, part, dir);
    }

    /**
     * Moves checked parts into place, data file first, then its manifest.
     *
     * @param stale a shard folder of this learner the upload has no part for (an older upload
     *              had more shards), removed so it is not mistaken for part of this one; or null
     */
    public void commit(StoreDatasetJob job, List<Received> parts, String stale) throws IOException {
        Path datasetDir = dataDir.resolve(requireSafe(job.dataset()));
        for (Received r : parts) {
            Path target = datasetDir.resolve(r.part());
            Files.createDirectories(target);
            Manifest m = new Manifest(job.dataset(), r.part(), r.rows(), job.columns().size(), r.bytes(), r.sha256(),
                    job.uploadId(), job.target(), job.seed(), job.testFraction(), job.shards(), job.createdAt());
            Path manifest = r.dir().resolve(MANIFEST_FILE);
            Files.write(manifest, MessageCodec.encode(m));
            move(r.file(), target.resolve(DATA_FILE));
            move(manifest, target.resolve(MANIFEST_FILE));
            deleteTree(r.dir());
        }
        if (stale != null && Names.isSafeName(stale)) {
            deleteTree(datasetDir.resolve(stale));
        }
    }

    /** Removes a dataset's folder; false when there was none. */
    public boolean delete(String dataset) throws IOException {
        Path dir = dataDir.resolve(requireSafe(dataset));
        if (!Files.isDirectory(dir)) {
            return false;
        }
        // renamed away first, so that no reader sees a half-deleted dataset
        Path doomed = dataDir.resolve(INCOMING).resolve("deleting-" + UUID.randomUUID());
        Files.createDirectories(doomed.getParent());
        try {
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false; // another learner on the same disk was quicker
        }
        deleteTree(doomed);
        return true;
    }

    /** What this learner holds of one dataset, or null when it holds nothing of it. */
    public DatasetInfo describe(String dataset) {
        Path dir = dataDir.resolve(dataset);
        Path shardFile = dir.resolve(shard).resolve(DATA_FILE);
        Path testFile = dir.resolve(StoreDatasetJob.TEST_PART).resolve(DATA_FILE);
        boolean hasShard = Files.isRegularFile(shardFile);
        boolean hasTest = Files.isRegularFile(testFile);
        if (!hasShard && !hasTest) {
            return null;
        }
        Manifest s = hasShard ? manifest(shardFile.resolveSibling(MANIFEST_FILE)) : null;
        Manifest t = hasTest ? manifest(testFile.resolveSibling(MANIFEST_FILE)) : null;
        Manifest any = s != null ? s : t;
        if (any == null) {
            return new DatasetInfo(dataset, hasShard ? shard : null, -1, null, hasTest, -1, null, 0, null, null, 0, 0,
                    0, 0);
        }
        if (s != null && t != null && !s.uploadId().equals(t.uploadId())) {
            // a store in progress has renamed one part of two: report the older figures as unknown
            t = null;
        }
        return new DatasetInfo(dataset, hasShard ? shard : null, s == null ? -1 : s.rows(), s == null ? null : s.sha256(),
                hasTest, t == null ? -1 : t.rows(), t == null ? null : t.sha256(), any.columns(), any.uploadId(),
                any.target(), any.seed(), any.testFraction(), any.shards(), any.createdAt());
    }

    /** Every dataset folder this learner holds a part of, by name. */
    public List<DatasetInfo> list() {
        List<DatasetInfo> out = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (Names.isSafeName(name)) {
                    DatasetInfo info = describe(name);
                    if (info != null) {
                        out.add(info);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(DatasetInfo::dataset));
        return out;
    }

    /**
     * Removes what interrupted stores left in the incoming folder more than an hour ago; younger
     * entries may belong to another learner sharing the disk that is receiving right now.
     */
    public void cleanIncoming() {
        Path incoming = dataDir.resolve(INCOMING);
        if (!Files.isDirectory(incoming)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - 3_600_000L;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(incoming)) {
            for (Path p : entries) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // retried at the next start
        }
    }

    private static Manifest manifest(Path file) {
        try {
            return Files.isRegularFile(file) ? MessageCodec.decode(Files.readAllBytes(file), Manifest.class) : null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: described like a folder placed by hand
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile by another learner on the same disk
        }
    }

    private static String requireSafe(String dataset) {
        if (!Names.isSafeName(dataset)) {
            throw new IllegalArgumentException("invalid dataset name: " + dataset);
        }
        return dataset;
    }

    /** A checked part waiting in its private folder. */
    public record Received(String part, Path dir, Path file, long rows, long bytes, String sha256) {
    }

    /** A part being received: chunks are appended and hashed, then checked against the marker. */
    public final class Receiving implements AutoCloseable {
        private final String dataset;
        private final String part;
        private final Path dir;
        private final Path file;
        private final OutputStream out;
        private final MessageDigest digest;
        private long rows;
        private long bytes;
        private boolean done;

        private Receiving(String dataset, String part, Path dir) throws IOException {
            this.dataset = dataset;
            this.part = part;
            this.dir = dir;
            this.file = dir.resolve(DATA_FILE);
            this.out = Files.newOutputStream(file);
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        public void chunk(byte[] body, long chunkRows) throws IOException {
            out.write(body);
            digest.update(body);
            bytes += body.length;
            rows += chunkRows;
        }

        /** Checks what arrived against the marker; on a mismatch the temporary file is removed. */
        public Received finish(DatasetPartEnd end) throws IOException {
            out.close();
            String sha = HexFormat.of().formatHex(digest.digest());
            String problem = null;
            if (end.rows() != rows) {
                problem = rows + " rows arrived, " + end.rows() + " were sent";
            } else if (end.bytes() != bytes) {
                problem = bytes + " bytes arrived, " + end.bytes() + " were sent";
            } else if (!sha.equalsIgnoreCase(end.sha256())) {
                problem = "SHA-256 " + sha + " does not match the " + end.sha256() + " sent";
            }
            if (problem != null) {
                close();
                throw new PartMismatch("part " + part + " of dataset '" + dataset + "': " + problem);
            }
            done = true;
            return new Received(part, dir, file, rows, bytes, sha);
        }

        /** Discards the part unless it was finished and handed to {@link #commit}. */
        @Override
        public void close() throws IOException {
            out.close();
            if (!done) {
                deleteTree(dir);
            }
        }

        /** Discards the part even when it was finished (another part of the store failed). */
        public void discard() throws IOException {
            out.close();
            deleteTree(dir);
        }
    }
}
