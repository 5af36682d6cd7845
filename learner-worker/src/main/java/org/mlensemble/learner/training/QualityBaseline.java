package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlensemble.common.gather.Aggregation;
import org.mlensemble.common.learning.RequestDefaults;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;

/**
 * In-process reference for the quality benchmark: trains, in this JVM and with the same code as
 * the learners, (a) one member per shard averaged, which the distributed ensemble must reproduce
 * exactly, and (b) one model on all shards together, the "single machine" baseline (for
 * {@code boosted}: XGBoost on the union of the shards). Each with its wall and CPU time, the
 * members' including reading their shards.
 * <p>
 * Usage: {@code QualityBaseline <dataset dir> <target> <algorithm> <params json> <seed> [A,B,C,D] [logTarget]}; prints one
 * JSON line.
 */
public final class QualityBaseline {

    private QualityBaseline() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            System.err.println("usage: QualityBaseline <dataset dir> <target> <algorithm> <params json> <seed> [shards] [logTarget]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String target = args[1];
        String algorithm = args[2];
        @SuppressWarnings("unchecked")
        Map<String, Object> params = MessageCodec.mapper().readValue(args[3], Map.class);
        long seed = Long.parseLong(args[4]);
        List<String> shards = List.of((args.length > 5 ? args[5] : "A,B,C,D").split(","));
        boolean logTarget = args.length > 6 && Boolean.parseBoolean(args[6]);

        MemberTrainer trainer = new MemberTrainer(Clock.systemUTC());
        Table test = CsvReader.read(dir.resolve("test/data.csv"));
        TestSetCache.TestSet testSet = new TestSetCache().get(dir.resolve("test/data.csv"), target);
        FitJob job = new FitJob("baseline", 0, dir.getFileName().toString(), target, algorithm, params, seed, "shard",
                logTarget, false, Map.of(), RequestDefaults.IGNORE);

        List<double[]> members = new ArrayList<>();
        List<Table> tables = new ArrayList<>();
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        for (String shard : shards) {
            Table t = CsvReader.read(dir.resolve(shard).resolve("data.csv"));
            tables.add(t);
            Member m = trainer.train(job, "baseline", shard, t, (p, pct) -> { });
            members.add(m.predict(testSet.columns(), testSet.actuals().length));
        }
        long ensembleMs = (System.nanoTime() - t0) / 1_000_000;
        long ensembleCpuMs = (cpuNanos() - c0) / 1_000_000;
        RegressionMetrics ensemble = RegressionMetrics.of(testSet.actuals(), Aggregation.mean(members));

        List<String[]> all = new ArrayList<>();
        tables.forEach(t -> all.addAll(t.rows()));
        long t1 = System.nanoTime();
        long c1 = cpuNanos();
        Member single = trainer.train(job, "baseline", "ALL", new Table(tables.get(0).header(), all), (p, pct) -> { });
        long singleMs = (System.nanoTime() - t1) / 1_000_000;
        long singleCpuMs = (cpuNanos() - c1) / 1_000_000;
        RegressionMetrics one = RegressionMetrics.of(testSet.actuals(),
                single.predict(testSet.columns(), testSet.actuals().length));
        System.out.println(String.format(Locale.ROOT,
                "{\"algorithm\":\"%s\",\"testRows\":%d,\"ensemble\":{\"r2\":%.6f,\"rmse\":%.2f,\"mae\":%.2f,\"ms\":%d,"
                        + "\"cpuMs\":%d},\"single\":{\"r2\":%.6f,\"rmse\":%.2f,\"mae\":%.2f,\"ms\":%d,\"cpuMs\":%d}}",
                algorithm, test.rows().size(), ensemble.r2(), ensemble.rmse(), ensemble.mae(), ensembleMs, ensembleCpuMs,
                one.r2(), one.rmse(), one.mae(), singleMs, singleCpuMs));
    }

    /** CPU time of the process: on a shared host it measures the work, where wall time also measures the wait. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
