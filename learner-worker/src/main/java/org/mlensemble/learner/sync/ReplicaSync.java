package org.mlensemble.learner.sync;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mlensemble.common.messaging.sync.FetchRequest;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.InventoryRequest;
import org.mlensemble.common.messaging.sync.SyncFile;
import org.mlensemble.learner.training.Learner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a learner that joins late, or comes back with an empty disk, to what the replicas of
 * its shard hold: it asks them for their inventory, plans what it lacks ({@link SyncPlan}), and
 * copies it chunk by chunk, checking every file's size and SHA-256 against what the peer listed.
 * A file that does not check out is fetched from the next peer that has it. Files land under a
 * temporary name and are renamed into place, members through {@link Learner#adopt}. Plain Java:
 * the broker is behind {@link SyncTransport}.
 */
final class ReplicaSync {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSync.class);

    /** What a run did. */
    record Report(int peers, int members, int files, long bytes, int failures) {
    }

    private final Learner learner;
    private final Holdings holdings;
    private final SyncTransport transport;
    private final SyncState state;
    private final int chunkBytes;

    ReplicaSync(Learner learner, Holdings holdings, SyncTransport transport, SyncState state, int chunkBytes) {
        this.learner = learner;
        this.holdings = holdings;
        this.transport = transport;
        this.state = state;
        this.chunkBytes = chunkBytes;
    }

    Report run() throws InterruptedException {
        state.phase("inventory");
        List<Inventory> answers = transport.inventory(new InventoryRequest(learner.learnerId(), learner.shard()));
        Inventory mine = holdings.inventory();
        SyncPlan plan = SyncPlan.of(mine, answers, learner.retention());
        int peers = (int) answers.stream()
                .filter(a -> learner.shard().equals(a.shard()) && !learner.learnerId().equals(a.learnerId())).count();
        state.planned(peers, plan);
        if (plan.isEmpty()) {
            log.info("sync: {} peer(s) of shard {} answered, nothing to copy", peers, learner.shard());
            return new Report(peers, 0, 0, 0, 0);
        }
        log.info("sync: {} peer(s) of shard {} answered; copying {} member(s) and {} dataset file(s), {} MB", peers,
                learner.shard(), plan.members().size(), plan.files().size(), String.format("%.1f", plan.bytes() / 1e6));
        state.phase("datasets");
        int files = 0;
        for (SyncPlan.FileFetch f : plan.files()) {
            if (copyFile(f)) {
                files++;
            } else {
                state.failed();
            }
            state.fileDone();
            log.info("sync: {}", state.progressLine());
        }
        // fits that arrived meanwhile can read their shard now
        state.dataReady();
        state.phase("members");
        int members = 0;
        for (SyncPlan.MemberFetch m : plan.members()) {
            checkInterrupted();
            if (learner.holds(m.info().modelId())) {
                log.info("sync: member {} trained meanwhile, not copied", m.info().modelId());
            } else if (copyMember(m)) {
                members++;
            } else {
                state.failed();
            }
            state.memberDone();
            log.info("sync: {}", state.progressLine());
        }
        return new Report(peers, members, files, state.bytesFetched(), state.failures());
    }

    private boolean copyFile(SyncPlan.FileFetch f) throws InterruptedException {
        Path target = learner.dataDir().resolve(f.dataset()).resolve(f.file().path());
        for (String peer : f.peers()) {
            checkInterrupted();
            Path tmp = target.resolveSibling("." + target.getFileName() + ".sync-" + UUID.randomUUID());
            try {
                Files.createDirectories(target.getParent());
                fetch(peer, FetchRequest.DATASET, f.dataset(), f.file(), tmp);
                moveIntoPlace(tmp, target);
                return true;
            } catch (SyncException | IOException | UncheckedIOException e) {
                log.warn("sync: {}/{} from {} refused: {}", f.dataset(), f.file().path(), peer, e.getMessage());
            } finally {
                deleteQuietly(tmp);
            }
        }
        log.warn("sync: no peer gave a good copy of {}/{}", f.dataset(), f.file().path());
        return false;
    }

    private boolean copyMember(SyncPlan.MemberFetch m) throws InterruptedException {
        String modelId = m.info().modelId();
        for (Map.Entry<String, List<SyncFile>> source : m.sources().entrySet()) {
            checkInterrupted();
            String peer = source.getKey();
            Path staged = learner.stagingFolder(modelId);
            long started = System.nanoTime();
            try {
                long bytes = 0;
                for (SyncFile f : source.getValue()) {
                    fetch(peer, FetchRequest.MEMBER, modelId, f, staged.resolve(f.path()));
                    bytes += f.size();
                }
                long fetched = System.nanoTime();
                learner.adopt(staged, peer);
                log.info("sync: member {} ({} bytes) from {}: fetched in {} ms, loaded in {} ms", modelId, bytes, peer,
                        (fetched - started) / 1_000_000, (System.nanoTime() - fetched) / 1_000_000);
                return true;
            } catch (SyncException | IOException | UncheckedIOException e) {
                log.warn("sync: member {} from {} refused: {}", modelId, peer, e.getMessage());
                learner.discard(staged);
            }
        }
        log.warn("sync: no peer gave a good copy of member {}", modelId);
        return false;
    }

    /** Fetches one whole file into {@code dest}, checking size and checksum against {@code expected}. */
    private void fetch(String peer, String kind, String name, SyncFile expected, Path dest)
            throws SyncException, IOException, InterruptedException {
        MessageDigest sha = Holdings.digest();
        long offset = 0;
        try (OutputStream out = Files.newOutputStream(dest)) {
            while (offset < expected.size()) {
                checkInterrupted();
                int want = (int) Math.min(chunkBytes, expected.size() - offset);
                SyncTransport.Chunk c = transport.fetch(peer,
                        new FetchRequest(learner.learnerId(), kind, name, expected.path(), offset, want));
                if (c.fileSize() != expected.size()) {
                    throw new SyncException(expected.path() + " is " + c.fileSize() + " bytes now, the inventory said "
                            + expected.size());
                }
                if (c.bytes().length == 0 || c.bytes().length > want) {
                    throw new SyncException("a chunk of " + c.bytes().length + " bytes at offset " + offset + " of "
                            + expected.path() + " (asked for " + want + ")");
                }
                sha.update(c.bytes());
                out.write(c.bytes());
                offset += c.bytes().length;
                state.fetched(c.bytes().length);
            }
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!got.equalsIgnoreCase(expected.sha256())) {
            throw new SyncException("checksum mismatch on " + expected.path() + ": got " + got + ", expected "
                    + expected.sha256());
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover dot file is harmless: nothing reads it
        }
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("sync stopped");
        }
    }
}
