package org.mlensemble.learner.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.ModelRemoval;

/**
 * Members on disk, one folder per model version: the model in its library's own format
 * ({@code member.tribuo}, Tribuo's protobuf serialisation, {@code member.ubj}, XGBoost's
 * UBJSON, or {@code member.linear.json}, linear weights solved in closed form), and {@code member.json}, our encoding and metadata. No Java serialisation is ever read. A folder appears atomically, complete or not at all.
 */
public final class MemberStore {

    static final String MODEL_FILE = TribuoRegression.FILE;
    static final String META_FILE = "member.json";
    /** An empty file in a member's folder: the member is pinned. */
    static final String PIN_FILE = "pinned";
    /** Beside the member folders: the latest removals, so a restart still explains a 404. */
    static final String REMOVALS_FILE = "removed.json";

    private final Path root;

    /** What is stored beside the Tribuo model. */
    record StoredMeta(MemberInfo info, FeatureEncoding encoding) {
    }

    /** A member folder that could not be loaded, and why. */
    public record LoadFailure(String folder, String reason) {
    }

    /** The outcome of loading every stored member. */
    public record Loaded(List<Member> members, List<LoadFailure> failures) {
    }

    public MemberStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Writes a member; throws {@link UncheckedIOException} when the disk refuses. */
    public void save(Member member) {
        String id = member.info().modelId();
        Path target = root.resolve(id);
        Path tmp = root.resolve("." + id + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            member.model().save(tmp);
            Files.write(tmp.resolve(META_FILE), MessageCodec.encode(new StoredMeta(member.info(), member.encoding())));
            if (Files.exists(target)) {
                deleteTree(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot save member " + id + " under " + root + ": " + e.getMessage(), e);
        }
    }

    /** The folder a stored member lives in (it may not exist). */
    public Path folder(String modelId) {
        return root.resolve(modelId);
    }

    /**
     * A new, empty folder to assemble a member copied from a peer in; a dot folder, so that an
     * interrupted copy is cleaned at the next start like an interrupted save.
     */
    public Path stagingFolder(String modelId) {
        Path tmp = root.resolve("." + modelId + ".sync-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a member assembled in a {@link #stagingFolder staging folder} into place, atomically,
     * after loading it: a folder that does not load is refused and deleted. {@code rewrite} adapts
     * the metadata to this learner (the copy was recorded by the peer that trained it); the model
     * file is kept byte for byte.
     *
     * @param skip model ids not to install (held already): the staging folder is deleted
     * @return the installed member, or null when skipped
     */
    public Member install(Path staged, java.util.function.UnaryOperator<MemberInfo> rewrite,
            java.util.function.Predicate<String> skip) throws IOException {
        try {
            Member copied = load(staged);
            String id = copied.info().modelId();
            if (!org.mlensemble.common.messaging.Names.isSafeName(id)) {
                throw new IOException("invalid model id " + id);
            }
            if (skip.test(id)) {
                deleteQuietly(staged);
                return null;
            }
            MemberInfo info = rewrite.apply(copied.info());
            Files.write(staged.resolve(META_FILE), MessageCodec.encode(new StoredMeta(info, copied.encoding())));
            Path target = root.resolve(id);
            if (Files.exists(target)) {
                deleteTree(target);
            }
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, target);
            }
            return new Member(copied.model(), copied.encoding(), info, copied.clip());
        } catch (RuntimeException | IOException e) {
            deleteQuietly(staged);
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a staging folder that will not be installed. */
    public void discard(Path staged) {
        deleteQuietly(staged);
    }

    /** Loads every stored member; a folder that fails to load is reported, not fatal. */
    public Loaded loadAll() {
        List<Member> members = new ArrayList<>();
        List<LoadFailure> failures = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Loaded(members, failures);
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".")) {
                    deleteQuietly(dir); // an interrupted save
                    continue;
                }
                try {
                    members.add(load(dir));
                } catch (RuntimeException | IOException e) {
                    failures.add(new LoadFailure(name, e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            }
        } catch (IOException e) {
            failures.add(new LoadFailure(root.toString(), e.getMessage()));
        }
        return new Loaded(members, failures);
    }

    public void delete(String modelId) {
        deleteQuietly(root.resolve(modelId));
    }

    /** True when the stored member of {@code modelId} is pinned. */
    public boolean pinned(String modelId) {
        return Files.exists(root.resolve(modelId).resolve(PIN_FILE));
    }

    /** Pins or unpins the stored member of {@code modelId}; throws when the disk refuses. */
    public void pin(String modelId, boolean pinned) {
        Path marker = root.resolve(modelId).resolve(PIN_FILE);
        try {
            if (pinned) {
                if (!Files.exists(marker)) {
                    Files.createFile(marker);
                }
            } else {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (pinned ? "pin " : "unpin ") + modelId + ": " + e.getMessage(),
                    e);
        }
    }

    /** The persisted removals, newest first; none when the file is missing or unreadable. */
    public List<ModelRemoval> loadRemovals() {
        Path file = root.resolve(REMOVALS_FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return List.of(MessageCodec.decode(Files.readAllBytes(file), ModelRemoval[].class));
        } catch (RuntimeException | IOException e) {
            return List.of(); // only explanations are lost: the members themselves are gone anyway
        }
    }

    /** Replaces the persisted removals, atomically; a disk that refuses only costs the explanations. */
    public void saveRemovals(List<ModelRemoval> removals) {
        Path tmp = root.resolve("." + REMOVALS_FILE + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(root);
            Files.write(tmp, MessageCodec.encode(removals));
            try {
                Files.move(tmp, root.resolve(REMOVALS_FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, root.resolve(REMOVALS_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
        }
    }

    private static Member load(Path dir) throws IOException {
        StoredMeta meta = MessageCodec.decode(Files.readAllBytes(dir.resolve(META_FILE)), StoredMeta.class);
        return new Member(Regression.load(dir, meta.encoding()), meta.encoding(), meta.info(), true);
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (IOException ignored) {
            // best effort: a leftover folder is cleaned at the next start
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
