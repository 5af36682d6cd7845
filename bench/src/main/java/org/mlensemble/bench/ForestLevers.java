package org.mlensemble.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlensemble.common.gather.Aggregation;
import org.mlensemble.common.learning.RequestDefaults;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.Member;
import org.mlensemble.learner.training.MemberTrainer;

/**
 * Quality and cost of one parameter set: trains one member per shard in this thread (as a learner
 * with one XGBoost thread does), averages the members on the labelled test set and prints the
 * ensemble's R2 beside each member's encoding and training CPU time.
 * <p>
 * Run on the classpath of the extracted learner-worker jar:
 * {@code java -cp bench/target/classes:DIR/learner-worker-exec.jar org.mlensemble.bench.ForestLevers DATASET_DIR [algorithm=forest] [params={}] [target=SalePrice] [shards=A,B,C,D] [seed=42]}
 * <p>
 * Prints one JSON line. The first member also pays for loading XGBoost's native library and the
 * JIT's warm-up; the later ones are what a running learner pays.
 */
public final class ForestLevers {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ForestLevers() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.tribuo").setLevel(java.util.logging.Level.WARNING);
        if (args.length < 1) {
            System.err.println("usage: ForestLevers DATASET_DIR [algorithm=forest] [params={}] [target=SalePrice] [shards=A,B,C,D]"
                    + " [seed=42]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String algorithm = args.length > 1 ? args[1] : "forest";
        String paramsJson = args.length > 2 ? args[2] : "{}";
        @SuppressWarnings("unchecked")
        Map<String, Object> params = MessageCodec.mapper().readValue(paramsJson, Map.class);
        String target = args.length > 3 ? args[3] : RequestDefaults.TARGET;
        List<String> shards = List.of((args.length > 4 ? args[4] : "A,B,C,D").split(","));
        long seed = args.length > 5 ? Long.parseLong(args[5]) : RequestDefaults.SEED;

        FitJob job = new FitJob("levers", 0, dir.getFileName().toString(), target, algorithm, params, seed,
                "shard", false, false, Map.of(), RequestDefaults.IGNORE);
        MemberTrainer trainer = new MemberTrainer(Clock.systemUTC());
        Table test = CsvReader.read(dir.resolve("test/data.csv"));
        int t = test.columnIndex(target);
        double[] actuals = new double[test.rows().size()];
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int c = 0; c < test.header().size(); c++) {
            if (c != t) {
                columns.put(test.header().get(c), new ArrayList<>(actuals.length));
            }
        }
        for (int i = 0; i < actuals.length; i++) {
            String[] r = test.rows().get(i);
            actuals[i] = Double.parseDouble(r[t]);
            for (int c = 0; c < r.length; c++) {
                if (c != t) {
                    columns.get(test.header().get(c)).add(Table.isMissing(r[c]) ? null : r[c]);
                }
            }
        }

        List<double[]> predictions = new ArrayList<>();
        StringBuilder members = new StringBuilder();
        for (String shard : shards) {
            Table table = CsvReader.read(dir.resolve(shard).resolve("data.csv"));
            long[] at = new long[4];
            long w0 = System.nanoTime();
            Member m = trainer.train(job, "levers", shard, table, (name, pct) -> {
                if ("encoding".equals(name)) {
                    at[0] = THREADS.getCurrentThreadCpuTime();
                    at[2] = System.nanoTime();
                } else if ("training".equals(name)) {
                    at[1] = THREADS.getCurrentThreadCpuTime();
                    at[3] = System.nanoTime();
                }
            });
            long cpuEnd = THREADS.getCurrentThreadCpuTime();
            long wallEnd = System.nanoTime();
            predictions.add(m.predict(columns, actuals.length));
            RegressionMetrics own = RegressionMetrics.of(actuals, predictions.get(predictions.size() - 1));
            members.append(members.isEmpty() ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"shard\":\"%s\",\"rows\":%d,\"encodeCpuMs\":%d,\"trainCpuMs\":%d,\"trainMs\":%d,\"memberMs\":%d,"
                            + "\"r2\":%.5f}",
                    shard, m.info().rows(), (at[1] - at[0]) / 1_000_000, (cpuEnd - at[1]) / 1_000_000,
                    (wallEnd - at[3]) / 1_000_000, (wallEnd - w0) / 1_000_000, own.r2()));
        }
        RegressionMetrics ensemble = RegressionMetrics.of(actuals, Aggregation.mean(predictions));
        System.out.println(String.format(Locale.ROOT,
                "{\"dataset\":\"%s\",\"algorithm\":\"%s\",\"params\":%s,\"seed\":%d,\"testRows\":%d,\"r2\":%.5f,\"rmse\":%.3f,"
                        + "\"members\":[%s]}",
                dir, algorithm, paramsJson, seed, actuals.length, ensemble.r2(), ensemble.rmse(), members));
    }
}
