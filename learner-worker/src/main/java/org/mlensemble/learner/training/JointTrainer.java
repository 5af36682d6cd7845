package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.mlensemble.common.features.ColumnType;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.EncodingOptions;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.learning.InvalidParamsException;
import org.mlensemble.common.learning.Training;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JointReport;
import org.mlensemble.common.messaging.JointSpec;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PrepareJointJob;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.joint.ChildProcess;
import org.mlensemble.learner.training.joint.JointChild;
import org.mlensemble.learner.training.joint.WorkerResult;
import org.mlensemble.learner.training.joint.WorkerTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This learner's part in a joint fit: one XGBoost model over several shards, each shard's learner
 * a worker of XGBoost's collective. The training itself runs in a child process
 * ({@link JointChild}), never in the learner's JVM: the collective's native code may end its
 * process when a peer fails, and a worker that dies fails every other worker.
 * <ol>
 *   <li>{@link #prepare}: the encoding fitted on this shard, reported for the api to merge; the
 *       learner of rank 0 also starts the tracker (a child process too) and reports its address;</li>
 *   <li>{@link #train}: the shard encoded with the merged encoding, written with the task into a
 *       temporary file, trained by a worker child; the model every worker gets is rank 0's.</li>
 * </ol>
 * Every child is killed at the fit's deadline, and a newer attempt of the same model kills the
 * older attempt's worker.
 */
public final class JointTrainer {

    private static final Logger log = LoggerFactory.getLogger(JointTrainer.class);

    /**
     * @param trackerHost the address the tracker binds and tells the workers: one the other learners reach
     * @param jvmOptions  options of the child JVMs, such as their heap
     * @param workDir     where the task files and the children's logs go (deleted after each training)
     * @param threads     XGBoost threads of a worker
     * @param peerTimeout longest a worker waits in one collective operation (a round's histograms)
     *                    for its peers: a peer that died is noticed within it, and the training fails
     */
    public record Settings(String trackerHost, List<String> jvmOptions, Path workDir, int threads,
            java.time.Duration peerTimeout) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, ChildProcess> trackers = new ConcurrentHashMap<>();
    private final Map<String, ChildProcess> workers = new ConcurrentHashMap<>();

    public JointTrainer(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The encoding options of XGBoost, which is what trains jointly. */
    static EncodingOptions options(boolean logTarget, Map<String, String> columnTypes, List<String> ignore) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        columnTypes.forEach((k, v) -> types.put(k, ColumnType.fromWire(v)));
        return new EncodingOptions(false, 0, true, logTarget, types, new java.util.HashSet<>(ignore));
    }

    /**
     * Summarises this shard; when this learner is rank 0, starts the tracker for every worker.
     *
     * @throws DataException when the shard cannot be used
     * @throws IOException   when the tracker does not start
     */
    JointReport prepare(PrepareJointJob job, String learnerId, Table table, Instant deadline)
            throws IOException, InterruptedException {
        FeatureEncoding summary = FeatureEncoding.fit(table, job.target(),
                options(job.logTarget(), job.columnTypes(), job.ignore()));
        int rows = summary.encodeTable(table).rows().size();
        Map<String, Object> tracker = Map.of();
        if (Integer.valueOf(0).equals(job.ranks().get(learnerId))) {
            tracker = startTracker(job.modelId(), job.ranks().size(), job.trackerTimeoutMs(), deadline);
        }
        return new JointReport(summary, rows, tracker);
    }

    private Map<String, Object> startTracker(String modelId, int workers, long timeoutMs, Instant deadline)
            throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        Path logFile = Files.createTempFile(settings.workDir(), "tracker-" + modelId + "-", ".log");
        int seconds = (int) Math.max(1, (timeoutMs + 999) / 1000);
        ChildProcess child = ChildProcess.start(settings.jvmOptions(),
                List.of("tracker", Integer.toString(workers), settings.trackerHost(), Integer.toString(seconds)),
                logFile, line -> { });
        ChildProcess older = trackers.put(modelId, child);
        if (older != null) {
            older.close();
        }
        Instant trackerEnd = clock.instant().plusMillis(timeoutMs);
        String line = child.awaitLine(JointChild.TRACKER_LINE, deadline.isBefore(trackerEnd) ? deadline : trackerEnd);
        if (line == null) {
            String tail = child.logTail();
            child.close();
            trackers.remove(modelId, child);
            throw new IOException("the tracker did not start" + (tail.isEmpty() ? "" : ": " + tail));
        }
        // ends with its workers, or at the latest when the tracker's own timeout has passed
        Thread reaper = new Thread(() -> {
            try {
                int code = child.await(trackerEnd.plusSeconds(5));
                log.info("tracker of joint fit {} ended ({})", modelId, code < 0 ? "killed at its deadline"
                        : "exit " + code);
            } catch (InterruptedException e) {
                child.close();
            } finally {
                trackers.remove(modelId, child);
                deleteQuietly(logFile);
            }
        }, "joint-tracker-" + modelId);
        reaper.setDaemon(true);
        reaper.start();
        @SuppressWarnings("unchecked")
        Map<String, Object> args = MessageCodec.decode(line.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.class);
        return args;
    }

    /**
     * Trains this learner's worker of a joint fit and returns the model every worker holds.
     *
     * @throws DataException when the shard does not fit the model's encoding
     * @throws IOException   when the worker process fails: its reason, usually a peer that was lost
     */
    Member train(FitJob job, String learnerId, Table table, Instant deadline, BiConsumer<String, Integer> progress)
            throws IOException, InterruptedException {
        long started = clock.millis();
        JointSpec joint = job.joint();
        Algorithm algorithm = Algorithm.fromWire(job.algorithm());
        if (!Training.supportsJoint(algorithm)) {
            throw new InvalidParamsException("joint training is for boosted and forest, not " + algorithm.wireName());
        }
        Integer rank = joint.ranks().get(learnerId);
        Map<String, Object> params = algorithm.resolve(job.params());
        boolean boosted = algorithm == Algorithm.BOOSTED;
        FeatureEncoding encoding = joint.encoding();
        progress.accept("encoding", 20);
        var encoded = encoding.encodeTable(table);
        int n = encoded.rows().size();
        long seed = job.seed();
        SplittableRandom random = new SplittableRandom(MemberTrainer.memberSeed(seed, joint.shards().get(learnerId)));
        int[] trainIdx = MemberTrainer.sample(n, "bootstrap".equals(job.sampling()), random);
        int[] holdoutIdx = new int[0];
        int patience = boosted ? (Integer) params.get("earlyStoppingRounds") : 0;
        if (patience > 0) {
            // every worker holds out rows, so that the collective's validation error covers all shards
            int[] shuffled = MemberTrainer.shuffledRange(n, random);
            int h = Math.max(1, (int) Math.round(n * MemberTrainer.HOLDOUT_SHARE));
            holdoutIdx = Arrays.copyOf(shuffled, Math.min(h, n));
            int[] rest = Arrays.copyOfRange(shuffled, holdoutIdx.length, n);
            Arrays.sort(rest);
            trainIdx = "bootstrap".equals(job.sampling()) ? MemberTrainer.resample(rest, random) : rest;
        }
        List<String> names = encoding.featureNames();
        Map<String, Integer> columns = BoostedRegression.index(names);
        Map<String, Object> xgbParams = boosted ? BoostedTrainer.boostedParams(params, seed, settings.threads())
                : BoostedTrainer.forestParams(params, seed, settings.threads());
        Map<String, Object> collective = new LinkedHashMap<>(joint.tracker());
        collective.put("dmlc_timeout", Math.max(1, settings.peerTimeout().toSeconds()));
        collective.put("dmlc_retry", 1);
        var task = new WorkerTask(collective, rank, xgbParams, boosted ? (Integer) params.get("trees") : 1,
                patience);

        Files.createDirectories(settings.workDir());
        Path dir = Files.createTempDirectory(settings.workDir(), "joint-" + job.modelId() + "-");
        try {
            Path taskFile = dir.resolve("task.bin");
            WorkerTask.write(taskFile, task, matrix(encoded.rows(), encoded.target(), trainIdx, columns),
                    matrix(encoded.rows(), encoded.target(), holdoutIdx, columns));
            progress.accept("training", 30);
            ChildProcess child = ChildProcess.start(settings.jvmOptions(),
                    List.of("worker", taskFile.toString(), dir.toString()), dir.resolve("worker.log"), line -> {
                        if (line.startsWith(JointChild.PROGRESS_LINE)) {
                            int pct = Integer.parseInt(line.substring(JointChild.PROGRESS_LINE.length()).trim());
                            progress.accept("training", 30 + pct * 55 / 100);
                        }
                    });
            ChildProcess older = workers.put(job.modelId(), child);
            if (older != null) {
                older.close(); // an earlier attempt of this model, waiting for peers that are gone
            }
            int code;
            try {
                code = child.await(deadline);
            } finally {
                workers.remove(job.modelId(), child);
                child.close();
            }
            if (code != 0) {
                String tail = child.logTail();
                throw new IOException(code < 0 ? "the joint training did not end by the fit's deadline"
                        : "the joint training's worker failed (exit " + code + ")" + (tail.isEmpty() ? ""
                                : ": " + tail) + "; " + JointSpec.COLLECTIVE_FAILED);
            }
            WorkerResult result = MessageCodec.decode(Files.readAllBytes(dir.resolve(JointChild.RESULT_FILE)),
                    WorkerResult.class);
            byte[] model = Files.readAllBytes(dir.resolve(JointChild.MODEL_FILE));
            return member(job, learnerId, algorithm, params, encoding, model, result, trainIdx.length, started);
        } finally {
            deleteTree(dir);
        }
    }

    private Member member(FitJob job, String learnerId, Algorithm algorithm, Map<String, Object> params,
            FeatureEncoding encoding, byte[] model, WorkerResult result, int rows, long started) throws IOException {
        JointSpec joint = job.joint();
        String covered = joint.coveredShards();
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("modelId", job.modelId());
        attrs.put("training", Training.JOINT.wireName());
        attrs.put("shards", covered);
        attrs.put("target", job.target());
        attrs.put("algorithm", algorithm.wireName());
        attrs.put("params", params.toString());
        attrs.put("seed", Long.toString(job.seed()));
        attrs.put("xgboostVersion", BoostedTrainer.XGBOOST_VERSION);
        attrs.put(BoostedRegression.ABSENT, BoostedRegression.ABSENT_MISSING);
        BoostedRegression regression;
        try {
            Booster booster = XGBoost.loadModel(model);
            booster.setAttrs(attrs);
            regression = new BoostedRegression(booster, encoding.featureNames());
        } catch (XGBoostError e) {
            throw new IOException("the joint model does not load: " + e.getMessage(), e);
        }
        long finished = clock.millis();
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("training", Training.JOINT.wireName());
        provenance.put("rank", Integer.toString(result.rank()));
        provenance.put("workers", Integer.toString(result.workers()));
        provenance.put("workerLearners", new java.util.TreeMap<>(joint.shards()).toString());
        provenance.put("canonicalCopy", "rank 0");
        provenance.put("modelSha256", result.sha256());
        provenance.put("attempt", Integer.toString(joint.attempt()));
        provenance.put("workerPeakRssMb", Long.toString(result.peakRssMb()));
        provenance.put("xgboostVersion", BoostedTrainer.XGBOOST_VERSION);
        provenance.put("javaVersion", System.getProperty("java.version"));
        provenance.put("trainer", "XGBoost gbtree" + (algorithm == Algorithm.BOOSTED ? "" : " random-forest mode")
                + ", distributed over " + result.workers() + " workers (XGBoost collective), tree_method hist,"
                + " objective reg:squarederror, nthread " + settings.threads());
        provenance.put("roundsTrained", Integer.toString(result.rounds()));
        provenance.put("bestIteration", Integer.toString(result.bestIteration()));
        provenance.put("trainingRows", Integer.toString(rows));
        provenance.put("encoding", encoding.toString());
        provenance.put("logTarget", Boolean.toString(job.logTarget()));
        provenance.put("dataFile", job.dataset() + "/" + joint.shards().get(learnerId) + "/data.csv");
        MemberInfo info = new MemberInfo(job.modelId(), learnerId, covered, job.dataset(), job.target(),
                algorithm.wireName(), params, job.seed(), job.sampling() == null ? "shard" : job.sampling(),
                job.createdAt(), finished, rows, encoding.featureCount(), finished - started, Double.NaN, provenance);
        return new Member(regression, encoding, info, true);
    }

    private static WorkerTask.Matrix matrix(List<EncodedRow> rows, double[] y, int[] idx, Map<String, Integer> columns) {
        List<EncodedRow> picked = new java.util.ArrayList<>(idx.length);
        float[] labels = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            picked.add(rows.get(idx[i]));
            labels[i] = (float) y[idx[i]];
        }
        // absent features as missing, as a member of one shard has them (the histograms skip them);
        // the model's absentFeatures attribute makes predictions give them as missing too
        return new WorkerTask.Matrix(idx.length, columns.size(),
                BoostedRegression.dense(picked, columns, Float.NaN), labels);
    }

    /** Kills every child this trainer started: the learner is shutting down. */
    public void close() {
        trackers.values().forEach(ChildProcess::close);
        workers.values().forEach(ChildProcess::close);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the next start's work folder clean-up takes it
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(JointTrainer::deleteQuietly);
        } catch (IOException ignored) {
            // as above
        }
    }
}
