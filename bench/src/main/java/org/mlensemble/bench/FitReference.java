package org.mlensemble.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlensemble.common.learning.RequestDefaults;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.Member;
import org.mlensemble.learner.training.MemberTrainer;

/**
 * In-process reference for the P3 benchmark: trains the same members as the cluster's learners
 * (one per shard, the learners' own MemberTrainer, the same FitJob defaults) in ONE JVM on a fixed
 * thread pool, and reports per member the time spent reading the CSV, encoding and training.
 * <p>
 * Run on the classpath of the extracted learner-worker jar:
 * {@code java -cp bench/target/classes:DIR/learner-worker-exec.jar org.mlensemble.bench.FitReference DATASET_DIR [threads] [shards] [algorithm] [params]}
 * <p>
 * Prints one JSON line.
 */
public final class FitReference {

    record Timing(String shard, int rows, long readMs, long encodeMs, long trainMs, long totalMs, long readCpuMs,
            long encodeCpuMs, long trainCpuMs) {
    }

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Tribuo logs every SGD run at INFO; the learners set org.tribuo to warn, so does this. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    public static void main(String[] args) throws Exception {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        if (args.length < 1) {
            System.err.println("usage: FitReference DATASET_DIR [threads=2] [shards=A,B,C,D] [algorithm=linear] [params={}]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> shards = List.of((args.length > 2 ? args[2] : "A,B,C,D").split(","));
        String algorithm = args.length > 3 ? args[3] : "linear";
        @SuppressWarnings("unchecked")
        Map<String, Object> params = args.length > 4 ? MessageCodec.mapper().readValue(args[4], Map.class) : Map.of();
        // the api's defaults for a fit without a body: its target and seed, own shard, Id ignored
        FitJob job = new FitJob("reference", System.currentTimeMillis(), dir.getFileName().toString(),
                RequestDefaults.TARGET, algorithm, params, RequestDefaults.SEED, "shard", false, false, Map.of(),
                RequestDefaults.IGNORE);
        MemberTrainer trainer = new MemberTrainer(Clock.systemUTC());

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<Timing>> futures = new ArrayList<>();
        for (String shard : shards) {
            futures.add(pool.submit(() -> {
                long s = System.nanoTime();
                long c0 = THREADS.getCurrentThreadCpuTime();
                Table table = CsvReader.read(dir.resolve(shard).resolve("data.csv"));
                long read = System.nanoTime();
                long c1 = THREADS.getCurrentThreadCpuTime();
                long[] phase = new long[4];
                Member m = trainer.train(job, "reference", shard, table, (name, pct) -> {
                    if ("encoding".equals(name)) {
                        phase[0] = System.nanoTime();
                        phase[2] = THREADS.getCurrentThreadCpuTime();
                    } else if ("training".equals(name)) {
                        phase[1] = System.nanoTime();
                        phase[3] = THREADS.getCurrentThreadCpuTime();
                    }
                });
                long done = System.nanoTime();
                long c2 = THREADS.getCurrentThreadCpuTime();
                return new Timing(shard, m.info().rows(), ms(read - s), ms(phase[1] - phase[0]), ms(done - phase[1]),
                        ms(done - s), ms(c1 - c0), ms(phase[3] - phase[2]), ms(c2 - phase[3]));
            }));
        }
        List<Timing> timings = new ArrayList<>();
        for (Future<Timing> f : futures) {
            timings.add(f.get());
        }
        long wall = ms(System.nanoTime() - t0);
        pool.shutdown();

        long processCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long gcMs = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                peakHeap += p.getPeakUsage().getUsed();
            }
        }
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT,
                "{\"threads\":%d,\"algorithm\":\"%s\",\"wallMs\":%d,\"processCpuMs\":%d,\"gcMs\":%d,\"maxHeapMb\":%d,"
                        + "\"peakHeapUsedMb\":%d,\"members\":[",
                threads, algorithm, wall, processCpu / 1_000_000, gcMs, Runtime.getRuntime().maxMemory() >> 20,
                peakHeap >> 20));
        long sumRead = 0;
        long sumEncode = 0;
        long sumTrain = 0;
        int rows = 0;
        for (int i = 0; i < timings.size(); i++) {
            Timing t = timings.get(i);
            json.append(i > 0 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"shard\":\"%s\",\"rows\":%d,\"readMs\":%d,\"encodeMs\":%d,\"trainMs\":%d,\"totalMs\":%d,"
                            + "\"readCpuMs\":%d,\"encodeCpuMs\":%d,\"trainCpuMs\":%d}",
                    t.shard(), t.rows(), t.readMs(), t.encodeMs(), t.trainMs(), t.totalMs(), t.readCpuMs(),
                    t.encodeCpuMs(), t.trainCpuMs()));
            sumRead += t.readMs();
            sumEncode += t.encodeMs();
            sumTrain += t.trainMs();
            rows += t.rows();
        }
        json.append(String.format(Locale.ROOT, "],\"rows\":%d,\"sumReadMs\":%d,\"sumEncodeMs\":%d,\"sumTrainMs\":%d}",
                rows, sumRead, sumEncode, sumTrain));
        System.out.println(json);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
