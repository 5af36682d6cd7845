package org.mlensemble.learner.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.sync.FetchRequest;
import org.mlensemble.common.messaging.sync.HeldDataset;
import org.mlensemble.common.messaging.sync.HeldMember;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.SyncFile;
import org.mlensemble.learner.training.Learner;

/**
 * What this learner holds on disk, as offered to its peers: its members' folders and, of every
 * dataset, its shard's part and the test part. Serves chunks of exactly those files and nothing
 * else. Checksums are kept while a file's size and modification time are unchanged: peers ask for
 * the inventory once each, but hashing a large shard costs a fraction of a second. Only the files
 * of the latest inventory keep theirs, so members pruned by retention and deleted datasets do not
 * grow the cache for the life of the process.
 */
final class Holdings {

    /** Why a fetch cannot be served. */
    static final class Refused extends Exception {

        final boolean missing;

        Refused(String message, boolean missing) {
            super(message);
            this.missing = missing;
        }
    }

    private record Hashed(long size, FileTime modified, String sha256) {
    }

    private final Learner learner;
    private final Map<Path, Hashed> hashes = new ConcurrentHashMap<>();

    Holdings(Learner learner) {
        this.learner = learner;
    }

    Inventory inventory() {
        Set<Path> offered = new HashSet<>();
        List<HeldMember> members = new ArrayList<>();
        for (MemberInfo info : learner.memberInfos()) {
            try {
                List<SyncFile> files = memberFiles(learner.memberFolder(info.modelId()), offered);
                if (!files.isEmpty()) {
                    members.add(new HeldMember(info, files));
                }
            } catch (IOException e) {
                // pruned or being replaced right now: not offered
            }
        }
        List<HeldDataset> datasets = new ArrayList<>();
        Path dataDir = learner.dataDir();
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> dirs = Files.list(dataDir)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    String name = dir.getFileName().toString();
                    if (!Names.isSafeName(name)) {
                        continue;
                    }
                    List<SyncFile> files = new ArrayList<>();
                    files.addAll(datasetFiles(dir, learner.shard(), offered));
                    files.addAll(datasetFiles(dir, SyncPaths.TEST_PART, offered));
                    if (!files.isEmpty()) {
                        datasets.add(new HeldDataset(name, files));
                    }
                }
            } catch (IOException e) {
                // an unreadable data folder offers nothing
            }
        }
        hashes.keySet().retainAll(offered);
        return new Inventory(learner.learnerId(), learner.shard(), members, datasets);
    }

    /** How many files' checksums are kept. */
    int cachedChecksums() {
        return hashes.size();
    }

    /** Reads a chunk of a file this learner offers, at most {@code maxBytes}. */
    SyncTransport.Chunk read(FetchRequest r, int maxBytes) throws Refused {
        if (r.offset() < 0 || r.length() < 1) {
            throw new Refused("offset must be >= 0 and length >= 1", false);
        }
        Path file = resolve(r);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (r.offset() > size) {
                throw new Refused("offset " + r.offset() + " beyond the end of " + r.path() + " (" + size + " bytes)",
                        false);
            }
            int n = (int) Math.min(Math.min(r.length(), maxBytes), size - r.offset());
            ByteBuffer buf = ByteBuffer.allocate(n);
            long pos = r.offset();
            while (buf.hasRemaining()) {
                int read = ch.read(buf, pos);
                if (read < 0) {
                    break;
                }
                pos += read;
            }
            byte[] bytes = buf.position() == n ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
            return new SyncTransport.Chunk(bytes, size);
        } catch (IOException e) {
            throw new Refused(r.kind() + " " + r.name() + " has no file " + r.path() + ": " + e.getMessage(), true);
        }
    }

    private Path resolve(FetchRequest r) throws Refused {
        if (!Names.isSafeName(r.name())) {
            throw new Refused("invalid name " + r.name(), false);
        }
        if (FetchRequest.MEMBER.equals(r.kind())) {
            if (!SyncPaths.memberFile(r.path())) {
                throw new Refused("invalid member file " + r.path(), false);
            }
            if (!learner.holds(r.name())) {
                throw new Refused("member " + r.name() + " not held", true);
            }
            return learner.memberFolder(r.name()).resolve(r.path());
        }
        if (FetchRequest.DATASET.equals(r.kind())) {
            if (!SyncPaths.datasetFile(learner.shard(), r.path())) {
                throw new Refused("not a file of shard " + learner.shard() + " or the test part: " + r.path(), false);
            }
            return learner.dataDir().resolve(r.name()).resolve(r.path());
        }
        throw new Refused("unknown kind " + r.kind(), false);
    }

    private List<SyncFile> memberFiles(Path folder, Set<Path> offered) throws IOException {
        List<SyncFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path f : list.filter(Files::isRegularFile).sorted().toList()) {
                String name = f.getFileName().toString();
                if (SyncPaths.memberFile(name)) {
                    files.add(describe(f, name, offered));
                }
            }
        }
        return files;
    }

    private List<SyncFile> datasetFiles(Path datasetDir, String part, Set<Path> offered) throws IOException {
        Path dir = datasetDir.resolve(part);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SyncFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = datasetDir.relativize(f).toString().replace('\\', '/');
                if (SyncPaths.datasetFile(learner.shard(), rel)) {
                    files.add(describe(f, rel, offered));
                }
            }
        }
        return files;
    }

    private SyncFile describe(Path f, String rel, Set<Path> offered) throws IOException {
        offered.add(f);
        long size = Files.size(f);
        FileTime modified = Files.getLastModifiedTime(f);
        Hashed h = hashes.get(f);
        if (h == null || h.size() != size || !h.modified().equals(modified)) {
            h = new Hashed(size, modified, sha256(f));
            hashes.put(f, h);
        }
        return new SyncFile(rel, h.size(), h.sha256());
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(f)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
