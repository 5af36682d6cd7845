package org.mlensemble.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.PredictJobCodec;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.Member;
import org.mlensemble.learner.training.MemberTrainer;

/**
 * What a learner's process keeps resident after a batch load, in one JVM and without the broker: a
 * member is trained on shard A with the learners' own {@link MemberTrainer}, then {@code jobs}
 * 10,000-row predict jobs (binary bodies, as the api sends them) are decoded and predicted on
 * {@code threads} threads, then the process idles. Prints the RSS, the heap committed and the
 * process CPU after each phase; run it with the learners' JVM options (and
 * {@code -XX:NativeMemoryTracking=summary} to compare with the JVM's own account).
 * <p>
 * {@code java OPTIONS -cp bench/target/classes:CLASSPATH org.mlensemble.bench.PredictFootprint DATASET_DIR
 * [algorithm=forest] [jobs=100] [threads=2] [idleSeconds=12]}
 */
public final class PredictFootprint {

    private PredictFootprint() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.tribuo").setLevel(java.util.logging.Level.WARNING);
        Path dir = Path.of(args[0]);
        String algorithm = args.length > 1 ? args[1] : "forest";
        int jobs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        long idleMs = (long) (1000 * (args.length > 4 ? Double.parseDouble(args[4]) : 12));
        Table shard = CsvReader.read(dir.resolve("A").resolve("data.csv"));
        Table test = CsvReader.read(dir.resolve("test").resolve("data.csv"));
        byte[] body = PredictJobCodec.encode(new PredictJob("m-footprint", PredictCost.columns(test, 10_000), 10_000));
        report("read;");
        FitJob job = new FitJob("m-footprint", System.currentTimeMillis(), dir.getFileName().toString(), "SalePrice",
                algorithm, Map.of(), 42, "shard", false, false, Map.of(), List.of("Id"));
        Member member = new MemberTrainer(Clock.systemUTC()).train(job, "learner-1", "A", shard, (p, pct) -> {
        });
        shard = null;
        report("trained;");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<Double>> done = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            done.add(pool.submit(() -> {
                PredictJob decoded = PredictJobCodec.decode(body);
                return member.predict(decoded.columns(), decoded.rows())[0];
            }));
        }
        double check = 0;
        for (Future<Double> f : done) {
            check += f.get();
        }
        pool.shutdown();
        report("predicted " + jobs + " jobs of 10,000 rows in " + (System.nanoTime() - t0) / 1_000_000 + " ms, check "
                + String.format(Locale.ROOT, "%.3f", check / jobs) + ";");
        Thread.sleep(idleMs);
        report("idle " + idleMs / 1000 + " s;");
    }

    private static void report(String phase) throws java.io.IOException {
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.replaceAll("\\D", "")).findFirst().orElse("0");
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        System.out.printf(Locale.ROOT, "%s RSS %d MB, heap committed %d MB, process CPU %.1f s%n", phase,
                Long.parseLong(rss) / 1024, heap >> 20, cpu / 1e9);
    }
}
