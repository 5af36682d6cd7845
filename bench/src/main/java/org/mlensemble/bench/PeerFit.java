package org.mlensemble.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.EncodingOptions;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.learning.RequestDefaults;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.Member;
import org.mlensemble.learner.training.MemberTrainer;
import org.mlensemble.learner.training.TestSetCache;
import org.mlensemble.learner.training.TestSetCache.TestSet;

/**
 * The fit comparison with peers (P3p): wall time (parse + fit) and R2 on the dataset's test rows,
 * one JVM per run, on the same generated table.
 * <ul>
 * <li>{@code ours ALGORITHM [params]}: our ensemble as the cluster fits it, the 4 members (one per
 * shard, the learners' own {@link MemberTrainer}, the api's fit defaults) trained on 2 threads in
 * this JVM; the prediction is the members' mean, as the api's default aggregation gives it. P3
 * shows the cluster takes 1.0 x this time.</li>
 * <li>{@code xgboost [rounds=100]}: XGBoost4J on the whole table in one booster, its default tree
 * parameters (depth 6, eta 0.3, histogram method), 2 threads. XGBoost4J has no CSV reader for text
 * columns, so the rows are read and one-hot encoded by the project's own reader and encoding
 * (timed as parse).</li>
 * </ul>
 * H2O's GLM is {@link H2oGlmPeer}, run on H2O's own class path. Prints one JSON line.
 * <p>
 * {@code java -cp bench/target/classes:LEARNER_JAR org.mlensemble.bench.PeerFit DATASET_DIR ours linear}
 */
public final class PeerFit {

    private PeerFit() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.tribuo").setLevel(java.util.logging.Level.WARNING);
        if (args.length < 2) {
            System.err.println("usage: PeerFit DATASET_DIR ours ALGORITHM [params] | xgboost [rounds]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long t0 = System.nanoTime();
        Result r = switch (args[1]) {
            case "ours" -> ours(dir, args[2], args.length > 3 ? args[3] : "{}");
            case "xgboost" -> xgboost(dir, args.length > 2 ? Integer.parseInt(args[2]) : 100);
            default -> throw new IllegalArgumentException("unknown peer " + args[1]);
        };
        long wall = (System.nanoTime() - t0) / 1_000_000;
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        System.out.println(String.format(Locale.ROOT,
                "{\"peer\":\"%s\",\"rows\":%d,\"features\":%d,\"parseMs\":%d,\"fitMs\":%d,\"wallMs\":%d,"
                        + "\"processCpuMs\":%d,\"testRows\":%d,\"r2\":%.5f,\"rmse\":%.1f,\"params\":%s}",
                r.peer, r.rows, r.features, r.parseMs, r.fitMs, wall, cpu, r.metrics.rows(), r.metrics.r2(),
                r.metrics.rmse(), MessageCodec.mapper().writeValueAsString(r.params)));
    }

    record Result(String peer, int rows, int features, long parseMs, long fitMs, RegressionMetrics metrics,
            Map<String, Object> params) {
    }

    private static final List<String> SHARDS = List.of("A", "B", "C", "D");

    /** Our ensemble: read (parse) and train (encode + fit) each shard's member, 2 at a time. */
    private static Result ours(Path dir, String algorithm, String paramsJson) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = MessageCodec.mapper().readValue(paramsJson, Map.class);
        FitJob job = new FitJob("peer", System.currentTimeMillis(), dir.getFileName().toString(),
                RequestDefaults.TARGET, algorithm, params, RequestDefaults.SEED, "shard", false, false, Map.of(),
                RequestDefaults.IGNORE);
        MemberTrainer trainer = new MemberTrainer(Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<long[]>> timings = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (String shard : SHARDS) {
            timings.add(pool.submit(() -> {
                long s = System.nanoTime();
                Table table = CsvReader.read(dir.resolve(shard).resolve("data.csv"));
                long read = System.nanoTime();
                Member m = trainer.train(job, "peer", shard, table, (phase, pct) -> { });
                synchronized (members) {
                    members.add(m);
                }
                if (m.info().provenance().containsKey("ridgeLambda")) {
                    System.err.printf(Locale.ROOT, "shard %s: %d rows, %d features, ridge lambda %s, effective df %s%n",
                            shard, m.info().rows(), m.info().features(), m.info().provenance().get("ridgeLambda"),
                            m.info().provenance().get("effectiveDf"));
                }
                return new long[] {read - s, System.nanoTime() - read, m.info().rows(), m.info().features()};
            }));
        }
        long parse = 0;
        long fit = 0;
        int rows = 0;
        int features = 0;
        for (Future<long[]> f : timings) {
            long[] t = f.get();
            parse += t[0];
            fit += t[1];
            rows += (int) t[2];
            features = (int) t[3];
        }
        pool.shutdown();
        TestSet test = test(dir);
        double[] mean = new double[test.actuals().length];
        for (Member m : members) {
            double[] p = m.predict(test.columns(), test.actuals().length);
            for (int i = 0; i < p.length; i++) {
                mean[i] += p[i] / members.size();
            }
        }
        Map<String, Object> resolved = new LinkedHashMap<>(members.get(0).info().params());
        // parse and fit are summed over the members (2 run at once): shares of the wall time, not parts of it
        return new Result("ours-" + algorithm, rows, features, parse / 1_000_000, fit / 1_000_000,
                RegressionMetrics.of(test.actuals(), mean), resolved);
    }

    /** XGBoost4J on the whole table: one booster of {@code rounds} trees. */
    private static Result xgboost(Path dir, int rounds) throws Exception {
        long s = System.nanoTime();
        List<Table> shards = new ArrayList<>();
        for (String shard : SHARDS) {
            shards.add(CsvReader.read(dir.resolve(shard).resolve("data.csv")));
        }
        List<String[]> all = new ArrayList<>();
        shards.forEach(t -> all.addAll(t.rows()));
        Table table = new Table(shards.get(0).header(), all);
        shards.clear();
        // XGBoost bins raw values itself: no standardising, no bins, as the learners encode for it
        var options = new EncodingOptions(false, 0, true, false, Map.of(), new java.util.HashSet<>(RequestDefaults.IGNORE));
        FeatureEncoding encoding = FeatureEncoding.fit(table, RequestDefaults.TARGET, options);
        Map<String, Integer> index = index(encoding.featureNames());
        var encoded = encoding.encodeTable(table);
        int n = encoded.rows().size();
        float[] label = new float[n];
        for (int i = 0; i < n; i++) {
            label[i] = (float) encoded.rawTarget()[i];
        }
        float[] dense = dense(encoded.rows(), index);
        encoded = null;
        table = null;
        all.clear();
        DMatrix train = new DMatrix(dense, n, index.size(), Float.NaN);
        dense = null;
        train.setLabel(label);
        long parsed = System.nanoTime();
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "reg:squarederror");
        params.put("tree_method", "hist");
        params.put("nthread", 2);
        params.put("seed", 42);
        params.put("verbosity", 0);
        Booster booster = XGBoost.train(train, params, rounds, Map.of(), null, null);
        long fitted = System.nanoTime();
        train.dispose();

        TestSet test = test(dir);
        List<EncodedRow> testRows = encoding.encodeColumns(test.columns(), test.actuals().length);
        DMatrix tm = new DMatrix(dense(testRows, index), testRows.size(), index.size(), Float.NaN);
        float[][] p = booster.predict(tm);
        double[] predicted = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            predicted[i] = p[i][0];
        }
        Map<String, Object> shown = new LinkedHashMap<>(params);
        shown.put("rounds", rounds);
        shown.put("max_depth", 6);
        shown.put("eta", 0.3);
        return new Result("xgboost4j", n, index.size(), (parsed - s) / 1_000_000, (fitted - parsed) / 1_000_000,
                RegressionMetrics.of(test.actuals(), predicted), shown);
    }

    private static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (String name : names) {
            if (!FeatureEncoding.BIAS.equals(name)) {
                index.putIfAbsent(name, index.size());
            }
        }
        return index;
    }

    private static float[] dense(List<EncodedRow> rows, Map<String, Integer> index) {
        int width = index.size();
        float[] out = new float[Math.multiplyExact(rows.size(), width)];
        for (int r = 0; r < rows.size(); r++) {
            EncodedRow row = rows.get(r);
            for (int k = 0; k < row.names().length; k++) {
                Integer c = index.get(row.names()[k]);
                if (c != null) {
                    out[r * width + c] = (float) row.values()[k];
                }
            }
        }
        return out;
    }

    /** The dataset's labelled test rows, as a predict job carries them, read as a learner reads them. */
    static TestSet test(Path dir) throws Exception {
        return TestSetCache.parse(CsvReader.read(dir.resolve("test").resolve("data.csv")), RequestDefaults.TARGET);
    }
}
