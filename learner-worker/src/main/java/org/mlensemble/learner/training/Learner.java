package org.mlensemble.learner.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.learning.InvalidParamsException;
import org.mlensemble.common.messaging.ColumnSet;
import org.mlensemble.common.messaging.DeleteModelJob;
import org.mlensemble.common.messaging.EvaluateJob;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.ModelRemoval;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.JointReport;
import org.mlensemble.common.messaging.PinModelJob;
import org.mlensemble.common.messaging.PrepareJointJob;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.TrainingProgress;
import org.mlensemble.common.table.CsvFormatException;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One learner: it trains, holds and serves its own members of every model version. Plain Java,
 * no messaging: the listener turns messages into these calls and the results into replies.
 */
public final class Learner {

    private static final Logger log = LoggerFactory.getLogger(Learner.class);

    /**
     * @param retention   how many model versions to keep; older ones are deleted from memory and disk
     * @param maxAge      versions trained longer ago than this are deleted too ({@link Duration#ZERO}: no limit)
     * @param removalsKept how many removals to remember, so that a 404 can say when and why
     */
    public record Settings(String learnerId, String shard, Path dataDir, int retention, Duration maxAge,
            int removalsKept) {

        /** Retention by count only, remembering the last 50 removals. */
        public Settings(String learnerId, String shard, Path dataDir, int retention) {
            this(learnerId, shard, dataDir, retention, Duration.ZERO, 50);
        }
    }

    private final Settings settings;
    private final MemberStore store;
    private final MemberTrainer trainer;
    private final JointTrainer joint;
    private final Clock clock;
    private final String instanceId = java.util.UUID.randomUUID().toString();
    private final long startedAt;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JobReply>> fitsInFlight = new ConcurrentHashMap<>();
    private final Map<String, TrainingProgress> progress = new ConcurrentHashMap<>();
    private final Set<String> pinned = ConcurrentHashMap.newKeySet();
    /** Newest first; guarded by itself. */
    private final Deque<ModelRemoval> removals = new ArrayDeque<>();
    private final Map<String, List<String>> columnsOf = new ConcurrentHashMap<>();
    private final TestSetCache testSets = new TestSetCache();
    private volatile List<MemberStore.LoadFailure> loadFailures = List.of();

    public Learner(Settings settings, MemberStore store, MemberTrainer trainer, Clock clock) {
        this(settings, store, trainer, new JointTrainer(new JointTrainer.Settings("127.0.0.1", List.of("-Xmx512m"),
                Path.of(System.getProperty("java.io.tmpdir"), "ml-joint"), trainer.threads(), Duration.ofSeconds(30)),
                clock), clock);
    }

    public Learner(Settings settings, MemberStore store, MemberTrainer trainer, JointTrainer joint, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.trainer = trainer;
        this.joint = joint;
        this.clock = clock;
        this.startedAt = clock.millis();
    }

    /** Reloads persisted members. Corrupt ones are reported and skipped. */
    public List<MemberStore.LoadFailure> loadPersisted() {
        MemberStore.Loaded loaded = store.loadAll();
        for (Member m : loaded.members()) {
            members.put(m.info().modelId(), m);
            if (store.pinned(m.info().modelId())) {
                pinned.add(m.info().modelId());
            }
        }
        synchronized (removals) {
            removals.clear();
            store.loadRemovals().stream().limit(settings.removalsKept()).forEach(removals::addLast);
        }
        prune();
        for (MemberStore.LoadFailure f : loaded.failures()) {
            log.warn("skipped stored member {}: {}", f.folder(), f.reason());
        }
        loadFailures = List.copyOf(loaded.failures());
        log.info("learner {} (shard {}) loaded {} member(s) from {}", settings.learnerId(), settings.shard(),
                loaded.members().size(), store.root());
        return loadFailures;
    }

    /**
     * Trains this learner's member of a model version. Idempotent: a member already held is
     * reported again, and a second job for a fit in progress waits for the first.
     */
    public JobReply fit(FitJob job) {
        if (job.joint() != null && !job.joint().ranks().containsKey(settings.learnerId())) {
            return null; // a joint fit of other learners: not a worker of it
        }
        Member held = members.get(job.modelId());
        if (held != null) {
            return fitReply(ReplyStatus.OK, job, "already trained", held.info(), 0);
        }
        CompletableFuture<JobReply> mine = new CompletableFuture<>();
        // a second attempt of a joint fit must not wait for the first: it replaces it (and kills
        // its worker, which waits for a peer that is gone)
        String key = job.joint() == null ? job.modelId() : job.modelId() + "#joint-" + job.joint().attempt();
        CompletableFuture<JobReply> running = fitsInFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            JobReply reply = doFit(job);
            mine.complete(reply);
            return reply;
        } catch (RuntimeException | Error e) {
            // concurrent fits of the same model wait on this future: never leave it pending
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fitsInFlight.remove(key);
        }
    }

    private JobReply doFit(FitJob job) {
        long started = clock.millis();
        String modelId = job.modelId();
        try {
            setProgress(modelId, "loading", 5, null);
            Table table = CsvReader.read(shardFile(job.dataset()));
            Member member = job.joint() == null
                    ? trainer.train(job, settings.learnerId(), settings.shard(), table,
                            (phase, pct) -> setProgress(modelId, phase, pct, null))
                    : joint.train(job, settings.learnerId(), table, java.time.Instant.ofEpochMilli(job.joint().deadline()),
                            (phase, pct) -> setProgress(modelId, phase, pct, null));
            setProgress(modelId, "saving", 90, null);
            store.save(member);
            members.put(modelId, member);
            forgetRemoval(modelId);
            prune();
            setProgress(modelId, "done", 100, null);
            log.info("trained {} on shard {}: {} rows, {} ms", modelId, settings.shard(), member.info().rows(),
                    member.info().trainMs());
            return fitReply(ReplyStatus.OK, job, null, member.info(), clock.millis() - started);
        } catch (DataException | CsvFormatException | InvalidParamsException e) {
            setProgress(modelId, "failed", 100, e.getMessage());
            return fitReply(ReplyStatus.BAD_REQUEST, job, e.getMessage(), null, clock.millis() - started);
        } catch (UncheckedIOException | IOException e) {
            String reason = e.getMessage();
            setProgress(modelId, "failed", 100, reason);
            log.error("fit {} failed: {}", modelId, reason);
            return fitReply(ReplyStatus.FAILED, job, reason, null, clock.millis() - started);
        } catch (OutOfMemoryError e) {
            // The table and the half-built model die with this frame, so the learner goes on
            // serving; rethrown, the job would be redelivered and kill every consumer in turn.
            String reason = String.format("out of memory: shard %s of '%s' does not fit in this learner's %d MB heap;"
                    + " give learners more (LEARNER_JAVA_OPTS=-Xmx2g) or split the data into smaller shards",
                    settings.shard(), job.dataset(), Runtime.getRuntime().maxMemory() >> 20);
            setProgress(modelId, "failed", 100, reason);
            log.error("fit {} failed: {}", modelId, reason);
            return fitReply(ReplyStatus.FAILED, job, reason, null, clock.millis() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            setProgress(modelId, "failed", 100, "interrupted");
            return fitReply(ReplyStatus.FAILED, job, "interrupted: the learner is stopping", null,
                    clock.millis() - started);
        } catch (RuntimeException e) {
            String reason = "training failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            setProgress(modelId, "failed", 100, reason);
            log.error("fit {} failed", modelId, e);
            return fitReply(ReplyStatus.FAILED, job, reason, null, clock.millis() - started);
        }
    }

    /**
     * The first phase of a joint fit: this shard's summary, and the tracker when this learner is
     * rank 0. Null when the job names other learners only.
     */
    public JobReply prepareJoint(PrepareJointJob job, java.time.Instant deadline) {
        if (!job.ranks().containsKey(settings.learnerId())) {
            return null;
        }
        long started = clock.millis();
        try {
            Table table = CsvReader.read(shardFile(job.dataset()));
            JointReport report = joint.prepare(job, settings.learnerId(), table, deadline);
            return new JobReply(settings.learnerId(), settings.shard(), JobType.PREPARE_JOINT, job.modelId(),
                    ReplyStatus.OK, null, null, null, null, clock.millis() - started, null, report);
        } catch (DataException | CsvFormatException | InvalidParamsException e) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PREPARE_JOINT, job.modelId(),
                    ReplyStatus.BAD_REQUEST, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            log.error("joint fit {}: {}", job.modelId(), e.getMessage());
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PREPARE_JOINT, job.modelId(),
                    ReplyStatus.FAILED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PREPARE_JOINT, job.modelId(),
                    ReplyStatus.FAILED, "interrupted: the learner is stopping");
        }
    }

    /** Kills the joint-training processes this learner started. */
    public void close() {
        joint.close();
    }

    public JobReply predict(PredictJob job) {
        long started = clock.millis();
        Member m = members.get(job.modelId());
        if (m == null) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PREDICT, job.modelId(),
                    ReplyStatus.NO_MODEL, null);
        }
        try {
            double[] p = m.predict(job.columns(), job.rows());
            return new JobReply(settings.learnerId(), settings.shard(), JobType.PREDICT, job.modelId(),
                    ReplyStatus.OK, null, p, null, null, clock.millis() - started);
        } catch (DataException e) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PREDICT, job.modelId(),
                    ReplyStatus.BAD_REQUEST, e.getMessage());
        }
    }

    public JobReply evaluate(EvaluateJob job) {
        long started = clock.millis();
        Member m = members.get(job.modelId());
        if (m == null) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.EVALUATE, job.modelId(),
                    ReplyStatus.NO_MODEL, null);
        }
        try {
            Path file = datasetDir(m.info().dataset()).resolve("test").resolve("data.csv");
            TestSetCache.TestSet test = testSets.get(file, m.encoding().target());
            double[] p = m.predict(test.columns(), test.actuals().length);
            return new JobReply(settings.learnerId(), settings.shard(), JobType.EVALUATE, job.modelId(),
                    ReplyStatus.OK, null, p, test.actuals(), null, clock.millis() - started);
        } catch (DataException | CsvFormatException e) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.EVALUATE, job.modelId(),
                    ReplyStatus.BAD_REQUEST, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.EVALUATE, job.modelId(),
                    ReplyStatus.FAILED, "cannot read the test set: " + e.getMessage());
        }
    }

    /** This learner's presence: who it is, what it holds, what it is training. */
    public Heartbeat heartbeat(boolean leaving) {
        List<MemberInfo> infos = members.values().stream().map(Member::info)
                .sorted(Comparator.comparingLong(MemberInfo::createdAt).reversed()).toList();
        long now = clock.millis();
        // finished fits stay visible for a minute so that status pollers see how they ended
        progress.values().removeIf(p -> p.percent() >= 100 && now - p.updatedAt() > 60_000);
        return new Heartbeat(settings.learnerId(), settings.shard(), instanceId, now, startedAt,
                infos, List.copyOf(progress.values()), leaving, loadFailures.size())
                .withLifecycle(pinned.stream().filter(members::containsKey).sorted().toList(), removals(),
                        columnSets());
    }

    /**
     * Removes this learner's member of {@code modelId} from memory and disk, and remembers when.
     * Idempotent: a member not held answers {@code NO_MODEL}, and nothing changes.
     */
    public JobReply deleteModel(DeleteModelJob job) {
        Member removed = members.remove(job.modelId());
        if (removed == null) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.DELETE_MODEL, job.modelId(),
                    ReplyStatus.NO_MODEL, null);
        }
        pinned.remove(job.modelId());
        columnsOf.remove(job.modelId());
        store.delete(job.modelId());
        remember(new ModelRemoval(job.modelId(), ModelRemoval.DELETED, clock.millis()));
        log.info("deleted model {}", job.modelId());
        return new JobReply(settings.learnerId(), settings.shard(), JobType.DELETE_MODEL, job.modelId(),
                ReplyStatus.OK, null, null, null, removed.info(), 0);
    }

    /** Pins or unpins this learner's member of {@code modelId}; {@code NO_MODEL} when not held. */
    public JobReply pin(PinModelJob job) {
        Member held = members.get(job.modelId());
        if (held == null) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PIN_MODEL, job.modelId(),
                    ReplyStatus.NO_MODEL, null);
        }
        try {
            store.pin(job.modelId(), job.pinned());
        } catch (UncheckedIOException e) {
            return JobReply.of(settings.learnerId(), settings.shard(), JobType.PIN_MODEL, job.modelId(),
                    ReplyStatus.FAILED, e.getMessage());
        }
        if (job.pinned()) {
            pinned.add(job.modelId());
        } else {
            pinned.remove(job.modelId());
            prune();
        }
        return new JobReply(settings.learnerId(), settings.shard(), JobType.PIN_MODEL, job.modelId(),
                ReplyStatus.OK, null, null, null, held.info(), 0);
    }

    /** True when this learner's member of {@code modelId} is pinned. */
    public boolean pinned(String modelId) {
        return pinned.contains(modelId) && members.containsKey(modelId);
    }

    /** The removals remembered, newest first. */
    public List<ModelRemoval> removals() {
        synchronized (removals) {
            return List.copyOf(removals);
        }
    }

    /**
     * Applies retention by age, which time alone triggers: called with every scheduled heartbeat.
     * Retention by count is applied whenever a member arrives.
     */
    public void enforceRetention() {
        if (!settings.maxAge().isZero()) {
            prune();
        }
    }

    private List<ColumnSet> columnSets() {
        Map<List<String>, List<String>> byColumns = new java.util.LinkedHashMap<>();
        for (Member m : members.values()) {
            List<String> columns = columnsOf.computeIfAbsent(m.info().modelId(), id -> acceptedColumns(m));
            byColumns.computeIfAbsent(columns, k -> new java.util.ArrayList<>()).add(m.info().modelId());
        }
        columnsOf.keySet().retainAll(members.keySet());
        return byColumns.entrySet().stream().map(e -> new ColumnSet(e.getKey(), e.getValue().stream().sorted().toList()))
                .toList();
    }

    /** What a predict may name: the features, the target and the ignored columns, sorted. */
    private static List<String> acceptedColumns(Member m) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>(m.encoding().featureColumns());
        if (m.encoding().target() != null) {
            out.add(m.encoding().target());
        }
        if (m.encoding().ignored() != null) {
            out.addAll(m.encoding().ignored());
        }
        return List.copyOf(out);
    }

    private void remember(ModelRemoval removal) {
        List<ModelRemoval> snapshot;
        synchronized (removals) {
            removals.removeIf(r -> r.modelId().equals(removal.modelId()));
            removals.addFirst(removal);
            while (removals.size() > settings.removalsKept()) {
                removals.removeLast();
            }
            snapshot = List.copyOf(removals);
        }
        store.saveRemovals(snapshot);
    }

    private void forgetRemoval(String modelId) {
        List<ModelRemoval> snapshot;
        synchronized (removals) {
            if (!removals.removeIf(r -> r.modelId().equals(modelId))) {
                return;
            }
            snapshot = List.copyOf(removals);
        }
        store.saveRemovals(snapshot);
    }

    /** True when this learner holds a member of {@code modelId}. */
    public boolean holds(String modelId) {
        return members.containsKey(modelId);
    }

    /** What this learner holds, newest first. */
    public List<MemberInfo> memberInfos() {
        return members.values().stream().map(Member::info)
                .sorted(Comparator.comparingLong(MemberInfo::createdAt).reversed()).toList();
    }

    public String learnerId() {
        return settings.learnerId();
    }

    public String shard() {
        return settings.shard();
    }

    public int retention() {
        return settings.retention();
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    /** The folder a held member is stored in. */
    public Path memberFolder(String modelId) {
        return store.folder(modelId);
    }

    /** A fresh folder to assemble a copy of {@code modelId} in, for {@link #adopt}. */
    public Path stagingFolder(String modelId) {
        return store.stagingFolder(modelId);
    }

    /** Drops a staging folder that will not be adopted. */
    public void discard(Path staged) {
        store.discard(staged);
    }

    /**
     * Takes over a member copied from a replica of this shard (or a joint model that covers it),
     * assembled in {@code staged} (see {@link MemberStore#stagingFolder}): the same files the peer trained, so
     * the same predictions. The metadata names this learner, as if it had trained the member, with
     * {@code copiedFrom} in the provenance. A member held meanwhile (a fit trained it) is kept and
     * the copy dropped.
     *
     * @return true when the copy was installed
     * @throws IOException when the copy does not load, or is not of this shard
     */
    public boolean adopt(Path staged, String fromPeer) throws IOException {
        // a fit of the same model that runs or ran meanwhile wins: its member is the same anyway
        Member installed = store.install(staged, info -> {
            if (!org.mlensemble.common.messaging.JointSpec.covers(info.shard(), settings.shard())) {
                throw new DataException("a member of shard " + info.shard() + ", which does not cover "
                        + settings.shard());
            }
            Map<String, String> provenance = new java.util.LinkedHashMap<>(
                    info.provenance() == null ? Map.of() : info.provenance());
            provenance.put("copiedFrom", fromPeer);
            return new MemberInfo(info.modelId(), settings.learnerId(), info.shard(), info.dataset(), info.target(),
                    info.algorithm(), info.params(), info.seed(), info.sampling(), info.createdAt(),
                    info.trainedAt(), info.rows(), info.features(), info.trainMs(), info.holdoutRmse(),
                    provenance);
        }, id -> members.containsKey(id) || fitsInFlight.containsKey(id) || deletedHere(id));
        if (installed == null) {
            return false;
        }
        members.putIfAbsent(installed.info().modelId(), installed);
        prune();
        log.info("copied member {} from {}", installed.info().modelId(), fromPeer);
        return true;
    }

    /** True when this learner deleted {@code modelId} on request: a replica's copy is not taken back. */
    private boolean deletedHere(String modelId) {
        synchronized (removals) {
            return removals.stream().anyMatch(r -> r.modelId().equals(modelId) && ModelRemoval.DELETED.equals(r.cause()));
        }
    }

    public int memberCount() {
        return members.size();
    }

    private void setProgress(String modelId, String phase, int percent, String reason) {
        progress.put(modelId, new TrainingProgress(modelId, phase, percent, reason, clock.millis()));
    }

    /**
     * Keeps the {@code retention} members trained last, by the training learner's own clock
     * ({@code trainedAt}; a copy keeps its replica's), never by the job's {@code createdAt}: that
     * time comes in the message, and a job dated in the future would otherwise make every real
     * member look older than it and have them all deleted. Members older than {@code maxAge} go
     * too. Pinned members are kept and do not count against the retention.
     */
    private synchronized void prune() {
        long now = clock.millis();
        List<MemberInfo> byAge = members.values().stream().map(Member::info)
                .filter(i -> !pinned.contains(i.modelId()))
                .sorted(Comparator.comparingLong(MemberInfo::trainedAt).reversed()).toList();
        for (int k = 0; k < byAge.size(); k++) {
            MemberInfo info = byAge.get(k);
            String cause = k >= settings.retention() ? ModelRemoval.RETENTION_COUNT
                    : !settings.maxAge().isZero() && now - info.trainedAt() > settings.maxAge().toMillis()
                            ? ModelRemoval.RETENTION_AGE : null;
            if (cause == null) {
                continue;
            }
            members.remove(info.modelId());
            columnsOf.remove(info.modelId());
            store.delete(info.modelId());
            remember(new ModelRemoval(info.modelId(), cause, now));
            log.info("pruned model {} ({}: keeps {} versions{})", info.modelId(), cause, settings.retention(),
                    settings.maxAge().isZero() ? "" : " trained within " + settings.maxAge());
        }
    }

    private Path shardFile(String dataset) throws IOException {
        Path dir = datasetDir(dataset);
        if (!Files.isDirectory(dir)) {
            throw new DataException("unknown dataset '" + dataset + "': no folder " + dir.getFileName()
                    + " in the data directory");
        }
        Path file = dir.resolve(settings.shard()).resolve("data.csv");
        if (!Files.isRegularFile(file)) {
            throw new IOException("dataset '" + dataset + "' has no shard " + settings.shard() + " (" + settings.shard()
                    + "/data.csv)");
        }
        return file;
    }

    private Path datasetDir(String dataset) {
        if (!Names.isSafeName(dataset)) {
            throw new DataException("dataset must be a folder name of letters, digits, '_', '-' or '.': " + dataset);
        }
        return settings.dataDir().resolve(dataset);
    }

    private JobReply fitReply(ReplyStatus status, FitJob job, String reason, MemberInfo info, long workMs) {
        return new JobReply(settings.learnerId(), settings.shard(), JobType.FIT, job.modelId(), status, reason, null,
                null, info, workMs);
    }
}
