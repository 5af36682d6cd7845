import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.EncodingOptions;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.tribuo.MutableDataset;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;

/**
 * Random forests two ways, one member per shard averaged as the ensemble does: Tribuo's CART
 * forest on quantile-binned features (depth 64, half the features per split, bootstrap rows) and
 * XGBoost's random-forest mode (num_parallel_tree trees in one round, 63.2 % of the rows drawn
 * without replacement per tree, half the features per split, no shrinkage, no L2), each variant
 * given as maxDepth:minChildWeight:maxBin[:subsample[:colsampleByNode]]. Prints one JSON line per engine and variant: the
 * ensemble's test R2, and the fit time per shard (encoding included): wall time mean and largest,
 * and the process's CPU time (which a busy host does not inflate).
 * <p>
 * Run on the classpath of the learner-worker's classes and libraries:
 * {@code java -cp CP bench/ForestComparison.java DATASET_DIR SHARDS [trees] [seed] [variant ...]}
 * e.g. {@code ... data/ames A,B,C,D 25 42 tribuo 12:1:256 64:1:256}
 */
public final class ForestComparison {

    private static final String TARGET = "SalePrice";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        List<String> shards = List.of(args[1].split(","));
        int trees = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        List<String> variants = args.length > 4 ? List.of(args).subList(4, args.length)
                : List.of("tribuo", "12:1:256", "16:1:256");
        java.util.logging.Logger tribuoLog = java.util.logging.Logger.getLogger("org.tribuo");
        tribuoLog.setLevel(java.util.logging.Level.WARNING);
        Table test = CsvReader.read(dir.resolve("test/data.csv"));
        List<Table> tables = new ArrayList<>();
        for (String s : shards) {
            tables.add(CsvReader.read(dir.resolve(s).resolve("data.csv")));
        }
        for (String variant : variants) {
            List<double[]> members = new ArrayList<>();
            long total = 0;
            long largest = 0;
            long cpu = 0;
            double[] actual = null;
            for (Table train : tables) {
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                double[][] out = variant.equals("tribuo") ? tribuo(train, test, trees, seed) : xgboost(train, test, trees,
                        seed, variant);
                long ms = (System.nanoTime() - t0) / 1_000_000 - (long) out[2][0];
                cpu += (cpuNanos() - c0) / 1_000_000 - (long) out[2][1];
                total += ms;
                largest = Math.max(largest, ms);
                members.add(out[0]);
                actual = out[1];
            }
            double[] mean = new double[actual.length];
            for (double[] m : members) {
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += m[i] / members.size();
                }
            }
            System.out.println(String.format(Locale.ROOT,
                    "{\"engine\":\"%s\",\"shards\":%d,\"rowsPerShard\":%d,\"trees\":%d,\"fitMsMean\":%d,\"fitMsMax\":%d,\"fitCpuMsMean\":%d,\"r2\":%.4f}",
                    variant.equals("tribuo") ? "tribuo-forest" : "xgboost-rf " + variant, tables.size(),
                    tables.get(0).rows().size(), trees, total / tables.size(), largest, cpu / tables.size(),
                    RegressionMetrics.of(actual, mean).r2()));
        }
    }

    /** @return test predictions, test actuals, and {predict ms} to leave out of the fit time */
    private static double[][] tribuo(Table train, Table test, int trees, long seed) {
        var binned = FeatureEncoding.fit(train, TARGET, new EncodingOptions(false, 256, true, false, Map.of(), Set.of("Id")));
        var enc = binned.encodeTable(train);
        var factory = new RegressionFactory();
        MutableDataset<Regressor> ds = new MutableDataset<>(new SimpleDataSourceProvenance("shard", factory), factory);
        for (int i = 0; i < enc.rows().size(); i++) {
            EncodedRow r = enc.rows().get(i);
            ds.add(new ArrayExample<>(new Regressor(TARGET, enc.target()[i]), r.names(), r.values()));
        }
        var forest = new RandomForestTrainer<>(new CARTRegressionTrainer(64, 5f, 0f, 0.5f, false, new MeanSquaredError(), seed),
                new AveragingCombiner(), trees, seed).train(ds);
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        var testEnc = binned.encodeTable(test);
        List<org.tribuo.Example<Regressor>> examples = new ArrayList<>();
        for (EncodedRow r : testEnc.rows()) {
            examples.add(new ArrayExample<>(factory.getUnknownOutput(), r.names(), r.values()));
        }
        double[] p = forest.predict(examples).stream()
                .mapToDouble(x -> binned.targetScaling().inverse(x.getOutput().getValues()[0], true)).toArray();
        return new double[][] {p, testEnc.rawTarget(), {(System.nanoTime() - t0) / 1_000_000, (cpuNanos() - c0) / 1_000_000}};
    }

    private static double[][] xgboost(Table train, Table test, int trees, long seed, String variant) throws Exception {
        String[] v = variant.split(":");
        var raw = FeatureEncoding.fit(train, TARGET, new EncodingOptions(false, 0, true, false, Map.of(), Set.of("Id")));
        var e = raw.encodeTable(train);
        List<String> names = raw.featureNames();
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < names.size(); j++) {
            index.put(names.get(j), j);
        }
        DMatrix m = new DMatrix(dense(e.rows(), index), e.rows().size(), names.size(), Float.NaN);
        float[] y = new float[e.target().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) e.target()[i];
        }
        m.setLabel(y);
        Map<String, Object> p = new HashMap<>();
        p.put("objective", "reg:squarederror");
        p.put("tree_method", "hist");
        p.put("num_parallel_tree", trees);
        p.put("subsample", v.length > 3 ? Double.parseDouble(v[3]) : 0.632);
        p.put("colsample_bynode", v.length > 4 ? Double.parseDouble(v[4]) : 0.5);
        p.put("eta", 1);
        p.put("lambda", 0);
        p.put("max_depth", Integer.parseInt(v[0]));
        p.put("min_child_weight", Integer.parseInt(v[1]));
        p.put("max_bin", Integer.parseInt(v[2]));
        p.put("seed", (int) (seed & 0x7fffffff));
        p.put("nthread", 1);
        p.put("verbosity", 0);
        Booster b = XGBoost.train(m, p, 1, new HashMap<>(), null, null);
        m.dispose();
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        var te = raw.encodeTable(test);
        float[][] out = b.inplace_predict(dense(te.rows(), index), te.rows().size(), names.size(), Float.NaN);
        double[] px = new double[out.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = raw.targetScaling().inverse(out[i][0], true);
        }
        b.dispose();
        return new double[][] {px, te.rawTarget(), {(System.nanoTime() - t0) / 1_000_000, (cpuNanos() - c0) / 1_000_000}};
    }

    /** CPU time of the whole process: on a busy host it measures the work, where wall time measures the queue. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static float[] dense(List<EncodedRow> rows, Map<String, Integer> index) {
        float[] out = new float[rows.size() * index.size()];
        for (int i = 0; i < rows.size(); i++) {
            EncodedRow r = rows.get(i);
            for (int k = 0; k < r.names().length; k++) {
                Integer j = index.get(r.names()[k]);
                if (j != null) {
                    out[i * index.size() + j] = (float) r.values()[k];
                }
            }
        }
        return out;
    }
}
