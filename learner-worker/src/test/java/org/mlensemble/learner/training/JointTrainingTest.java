package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.features.JointEncoding;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JointReport;
import org.mlensemble.common.messaging.JointSpec;
import org.mlensemble.common.messaging.PrepareJointJob;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.mlensemble.common.table.Table;
import org.mlensemble.datagen.HousePricingGenerator;

/**
 * Joint training on this host: two learners' trainers, each a worker process of one XGBoost
 * collective with its tracker, as the api drives them (prepare, merge the encodings, train).
 */
class JointTrainingTest {

    private static final String[] SHARDS = {"A", "B"};
    /** No row or column sampling: the joint model and a fit on the union then see the same data. */
    private static final Map<String, Object> PARAMS = Map.of("trees", 120, "maxDepth", 4, "learningRate", 0.1,
            "subsample", 1.0, "colsampleByTree", 1.0);

    @TempDir
    static Path dataDir;
    private static Table test;
    private static Map<String, List<Object>> testColumns;

    @TempDir
    Path work;

    private final Clock clock = Clock.systemUTC();

    @BeforeAll
    static void generateData() {
        HousePricingGenerator.generate(dataDir.resolve(Fixtures.DATASET), 42, 2400, 400);
        test = Fixtures.testSet(dataDir);
        testColumns = Fixtures.columns(test);
    }

    @Test
    void twoWorkersTrainOneModelThatMatchesAFitOnTheUnionAndBeatsTheShards() throws Exception {
        FitJob job = jointJob("m-joint", PARAMS, Duration.ofMinutes(3));

        List<Member> members = trainAll(job);

        Member a = members.get(0);
        Member b = members.get(1);
        double[] pa = a.predict(testColumns, test.rows().size());
        assertThat(b.predict(testColumns, test.rows().size())).isEqualTo(pa);
        assertThat(a.info().provenance().get("modelSha256")).isEqualTo(b.info().provenance().get("modelSha256"));
        assertThat(a.info().shard()).isEqualTo("A+B");
        assertThat(a.info().provenance()).containsEntry("training", "joint").containsEntry("workers", "2");
        double joint = r2(pa);

        // the reference: one process, one fit on the union of the two shards, same parameters
        Table union = union(Fixtures.shard(dataDir, "A"), Fixtures.shard(dataDir, "B"));
        FitJob plain = new FitJob("m-union", 1, Fixtures.DATASET, Fixtures.TARGET, "boosted", PARAMS, 7, "shard", false,
                false, Map.of(), List.of("Id"));
        double onUnion = r2(new MemberTrainer(clock).train(plain, "l", "A+B", union, (p, q) -> { })
                .predict(testColumns, test.rows().size()));
        // and the per-shard ensemble: a member per shard, averaged
        double[] ensemble = new double[test.rows().size()];
        for (String s : SHARDS) {
            double[] p = new MemberTrainer(clock).train(plain, "l-" + s, s, Fixtures.shard(dataDir, s), (x, y) -> { })
                    .predict(testColumns, test.rows().size());
            for (int i = 0; i < p.length; i++) {
                ensemble[i] += p[i] / SHARDS.length;
            }
        }
        double perShard = r2(ensemble);

        assertThat(joint).isCloseTo(onUnion, within(0.01));
        assertThat(joint).isGreaterThanOrEqualTo(perShard - 0.002);
    }

    @Test
    void aWorkerWhosePeerDiesFailsFastWithAClearReason() throws Exception {
        // enough rounds that the training is still running when the peer is killed
        FitJob job = jointJob("m-dies", Map.of("trees", 5000, "maxDepth", 6, "learningRate", 0.001), Duration.ofMinutes(3));
        JointTrainer a = trainer("a");
        JointTrainer b = trainer("b");
        Instant deadline = Instant.ofEpochMilli(job.joint().deadline());
        var left = CompletableFuture.supplyAsync(() -> train(a, job, "l-A", deadline));
        var right = CompletableFuture.supplyAsync(() -> train(b, job, "l-B", deadline));
        ProcessHandle peer = awaitWorkerProcess(work.resolve("b"));
        Thread.sleep(1500); // let the workers meet and start their rounds
        long killedAt = System.nanoTime();
        peer.destroyForcibly();

        ExecutionException failed = assertThrows(ExecutionException.class, () -> left.get(60, TimeUnit.SECONDS));

        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(60));
        assertThat(failed.getCause()).hasMessageContaining("worker failed");
        assertThrows(ExecutionException.class, () -> right.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aWorkerWithoutItsPeerIsKilledAtTheDeadline() throws Exception {
        FitJob job = jointJob("m-alone", PARAMS, Duration.ofSeconds(20));
        JointTrainer a = trainer("a");
        Instant shortDeadline = Instant.now().plusSeconds(6);
        long started = System.nanoTime();

        var failed = assertThrows(IOException.class, () -> a.train(job, "l-A", Fixtures.shard(dataDir, "A"),
                shortDeadline, (p, q) -> { }));

        assertThat(failed).hasMessageContaining("deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(ProcessHandle.current().descendants().filter(h -> isWorkerOf(h, work.resolve("a"))).count())
                .isZero();
    }

    /** Prepares both shards as the api would: summaries, tracker from rank 0, one merged encoding. */
    private FitJob jointJob(String modelId, Map<String, Object> params, Duration within) throws Exception {
        Map<String, Integer> ranks = Map.of("l-A", 0, "l-B", 1);
        Instant deadline = Instant.now().plus(within);
        var prepare = new PrepareJointJob(modelId, Fixtures.DATASET, Fixtures.TARGET, false, Map.of(), List.of("Id"),
                ranks, within.toMillis());
        JointTrainer tracking = new JointTrainer(settings(work.resolve("tracker")), clock);
        List<JointEncoding.Part> parts = new ArrayList<>();
        Map<String, Object> tracker = null;
        for (String s : SHARDS) {
            JointReport r = tracking.prepare(prepare, "l-" + s, Fixtures.shard(dataDir, s), deadline);
            parts.add(new JointEncoding.Part(s, r.summary(), r.rows()));
            if (!r.tracker().isEmpty()) {
                tracker = r.tracker();
            }
        }
        assertThat(tracker).containsKeys("dmlc_tracker_uri", "dmlc_tracker_port");
        var spec = new JointSpec(ranks, Map.of("l-A", "A", "l-B", "B"), tracker, JointEncoding.merge(parts), 1,
                deadline.toEpochMilli());
        return new FitJob(modelId, 1, Fixtures.DATASET, Fixtures.TARGET, "boosted", params, 7, "shard", false, false,
                Map.of(), List.of("Id"), spec);
    }

    private List<Member> trainAll(FitJob job) throws Exception {
        Instant deadline = Instant.ofEpochMilli(job.joint().deadline());
        List<CompletableFuture<Member>> running = new ArrayList<>();
        for (String s : SHARDS) {
            JointTrainer t = trainer(s.toLowerCase());
            running.add(CompletableFuture.supplyAsync(() -> train(t, job, "l-" + s, deadline)));
        }
        List<Member> out = new ArrayList<>();
        for (var f : running) {
            out.add(f.get(3, TimeUnit.MINUTES));
        }
        return out;
    }

    private static Member train(JointTrainer t, FitJob job, String learner, Instant deadline) {
        try {
            return t.train(job, learner, Fixtures.shard(dataDir, job.joint().shards().get(learner)), deadline,
                    (p, q) -> { });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private JointTrainer trainer(String name) {
        return new JointTrainer(settings(work.resolve(name)), clock);
    }

    private static JointTrainer.Settings settings(Path dir) {
        return new JointTrainer.Settings("127.0.0.1", List.of("-Xmx256m", "-XX:+UseSerialGC"), dir, 1,
                Duration.ofSeconds(10));
    }

    private static ProcessHandle awaitWorkerProcess(Path dir) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            var found = ProcessHandle.current().descendants().filter(h -> isWorkerOf(h, dir)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no worker process under " + dir);
    }

    /** The JDK's view of a command line is cut short past a long class path: read it from /proc. */
    private static boolean isWorkerOf(ProcessHandle h, Path dir) {
        try {
            String cmdline = java.nio.file.Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
            return h.isAlive() && cmdline.contains("worker") && cmdline.contains(dir.toString());
        } catch (IOException e) {
            return false;
        }
    }

    private static double r2(double[] predictions) {
        return RegressionMetrics.of(Fixtures.actuals(test), predictions).r2();
    }

    private static Table union(Table a, Table b) {
        List<String[]> rows = new ArrayList<>(a.rows());
        rows.addAll(b.rows());
        return new Table(a.header(), rows);
    }
}
