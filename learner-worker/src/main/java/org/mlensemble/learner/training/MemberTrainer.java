package org.mlensemble.learner.training;

import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.mlensemble.common.features.ColumnType;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.features.EncodingOptions;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.learning.LinearSolver;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.table.Table;
import org.tribuo.Trainer;
import org.tribuo.Tribuo;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.AdaGradRDA;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.Huber;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Trains one member on one shard, with Tribuo or XGBoost, or, for a linear member, in closed form
 * ({@link RidgeSolver}). Every random choice (bootstrap sample, held-out slice, SGD order, tree
 * features, boosting's row and column samples) derives from the request seed and the shard, so a
 * refit with the same seed gives bit-identical predictions.
 */
public final class MemberTrainer {

    /** Quantile bins for the tree's features: Tribuo's CART is quadratic in distinct values. */
    static final int TREE_BINS = 256;
    /** Share of the shard held out to weight the member, when weights are asked for. */
    static final double HOLDOUT_SHARE = 0.1;

    private final Clock clock;
    private final int threads;

    /** A trainer whose native training (XGBoost) uses one thread. */
    public MemberTrainer(Clock clock) {
        this(clock, 1);
    }

    /**
     * @param threads threads a native training (XGBoost) may use: learners that share a host share
     *                its cores, and OpenMP threads that outnumber free cores spin rather than work
     */
    public MemberTrainer(Clock clock, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.clock = clock;
        this.threads = threads;
    }

    public int threads() {
        return threads;
    }

    /**
     * @param progress told the phase and rough percentage as training advances
     * @throws DataException when the shard or the request cannot be used
     */
    public Member train(FitJob job, String learnerId, String shard, Table table, BiConsumer<String, Integer> progress) {
        long started = clock.millis();
        Algorithm algorithm = Algorithm.fromWire(job.algorithm());
        Map<String, Object> params = algorithm.resolve(job.params());
        long seed = memberSeed(job.seed(), shard);
        boolean linear = algorithm == Algorithm.LINEAR;
        boolean boosted = algorithm == Algorithm.BOOSTED;
        boolean xgboost = boosted || algorithm == Algorithm.FOREST;

        progress.accept("encoding", 20);
        Map<String, ColumnType> types = new LinkedHashMap<>();
        job.columnTypes().forEach((k, v) -> types.put(k, ColumnType.fromWire(v)));
        // XGBoost bins every feature itself (histogram method): it gets the raw values
        var options = new EncodingOptions(linear, linear || xgboost ? 0 : TREE_BINS, true, job.logTarget(), types,
                new java.util.HashSet<>(job.ignore()));
        FeatureEncoding encoding = FeatureEncoding.fit(table, job.target(), options);
        var encoded = encoding.encodeTable(table);
        int n = encoded.rows().size();

        SplittableRandom random = new SplittableRandom(seed);
        int[] order = sample(n, "bootstrap".equals(job.sampling()), random);
        int[] trainIdx = order;
        int[] holdoutIdx = new int[0];
        boolean stopEarly = boosted && (Integer) params.get("earlyStoppingRounds") > 0;
        if ((job.holdoutWeights() || stopEarly) && n >= 20) {
            int[] shuffled = shuffledRange(n, random);
            int h = Math.max(1, (int) Math.round(n * HOLDOUT_SHARE));
            holdoutIdx = Arrays.copyOf(shuffled, h);
            int[] rest = Arrays.copyOfRange(shuffled, h, n);
            Arrays.sort(rest);
            trainIdx = "bootstrap".equals(job.sampling()) ? resample(rest, random) : rest;
        }

        progress.accept("training", 30);
        String description = job.dataset() + "/" + shard + "/data.csv";
        Map<String, String> provenance = new LinkedHashMap<>();
        Regression model;
        if (xgboost) {
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("modelId", job.modelId());
            attrs.put("dataFile", description);
            attrs.put("target", job.target());
            attrs.put("algorithm", algorithm.wireName());
            attrs.put("params", params.toString());
            attrs.put("seed", Long.toString(job.seed()));
            attrs.put("memberSeed", Long.toString(seed));
            attrs.put("trainingRows", Integer.toString(trainIdx.length));
            attrs.put("xgboostVersion", BoostedTrainer.XGBOOST_VERSION);
            var result = boosted
                    ? BoostedTrainer.boosted(encoded.rows(), encoded.target(), trainIdx, holdoutIdx,
                            encoding.featureNames(), params, seed, threads, attrs,
                            pct -> progress.accept("training", 30 + pct * 55 / 100))
                    : BoostedTrainer.forest(encoded.rows(), encoded.target(), trainIdx, encoding.featureNames(), params,
                            seed, threads, attrs);
            model = result.regression();
            provenance.put("xgboostVersion", BoostedTrainer.XGBOOST_VERSION);
            provenance.put("javaVersion", System.getProperty("java.version"));
            provenance.put("trainer", "XGBoost gbtree" + (boosted ? "" : " random-forest mode")
                    + ", tree_method hist, objective reg:squarederror, nthread " + threads);
            provenance.put("roundsTrained", Integer.toString(result.rounds()));
            provenance.put("bestIteration", Integer.toString(result.bestIteration()));
        } else if (linear && LinearSolver.exact(params, trainIdx.length, encoding.featureCount())) {
            List<String> features = encoding.featureNames();
            RidgeSolver.Solution solved = RidgeSolver.solve(encoded.rows(), encoded.target(), trainIdx, features);
            Map<String, String> solve = new LinkedHashMap<>();
            solve.put("solver", "exact: least squares on the centred features, intercept not penalised, ridge"
                    + " penalty by generalized cross-validation over 10^" + (int) RidgeSolver.LOG_LAMBDA_MIN + ".."
                    + "10^" + (int) RidgeSolver.LOG_LAMBDA_MAX + " x the mean eigenvalue of X'X, Cholesky solve");
            solve.put("lambda", Double.toString(solved.lambda()));
            solve.put("gcv", Double.toString(solved.gcv()));
            solve.put("effectiveDf", Double.toString(solved.df()));
            solve.put("activeFeatures", Integer.toString(solved.active()));
            solve.put("rows", Integer.toString(solved.rows()));
            solve.put("dataFile", description);
            model = new SolvedLinearRegression(features, solved.weights(), solved.intercept(), solve);
            provenance.put("javaVersion", System.getProperty("java.version"));
            provenance.put("trainer", "closed-form ridge least squares (" + SolvedLinearRegression.FORMAT + ")");
            provenance.put("ridgeLambda", Double.toString(solved.lambda()));
            provenance.put("ridgeGcv", Double.toString(solved.gcv()));
            provenance.put("effectiveDf", Double.toString(solved.df()));
        } else {
            var dataset = RegressionData.dataset(description, job.target(), encoded.rows(), encoded.target(), trainIdx);
            Trainer<Regressor> trainer = trainer(algorithm, params, seed, n);
            model = new TribuoRegression(trainer.train(dataset));
            provenance.put("tribuoVersion", Tribuo.VERSION);
            provenance.put("javaVersion", System.getProperty("java.version"));
            provenance.put("trainer", trainer.toString());
        }
        Member provisional = new Member(model, encoding, null, true);

        double holdoutRmse = Double.NaN;
        if (holdoutIdx.length > 0) {
            var held = Arrays.stream(holdoutIdx).mapToObj(i -> encoded.rows().get(i)).toList();
            double[] p = provisional.predictEncoded(held);
            double sse = 0;
            for (int i = 0; i < p.length; i++) {
                double e = p[i] - encoded.rawTarget()[holdoutIdx[i]];
                sse += e * e;
            }
            holdoutRmse = Math.sqrt(sse / p.length);
        }
        long finished = clock.millis();
        provenance.put("memberSeed", Long.toString(seed));
        provenance.put("trainingRows", Integer.toString(trainIdx.length));
        provenance.put("holdoutRows", Integer.toString(holdoutIdx.length));
        provenance.put("droppedRowsWithoutTarget", Integer.toString(encoded.droppedRows()));
        provenance.put("encoding", encoding.toString());
        provenance.put("logTarget", Boolean.toString(job.logTarget()));
        provenance.put("dataFile", description);
        MemberInfo info = new MemberInfo(job.modelId(), learnerId, shard, job.dataset(), job.target(),
                algorithm.wireName(), params, job.seed(), job.sampling() == null ? "shard" : job.sampling(),
                job.createdAt(), finished, trainIdx.length, encoding.featureCount(), finished - started, holdoutRmse,
                provenance);
        return new Member(model, encoding, info, true);
    }

    /** Mixes the request seed with the shard so members differ but stay reproducible. */
    static long memberSeed(long requestSeed, String shard) {
        long z = requestSeed * 0x9E3779B97F4A7C15L + shard.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static Trainer<Regressor> trainer(Algorithm algorithm, Map<String, Object> p, long seed, int rows) {
        return switch (algorithm) {
            case LINEAR -> {
                double lr = (Double) p.get("learningRate");
                double l2 = (Double) p.get("l2");
                var objective = "huber".equals(p.get("loss")) ? new Huber() : new SquaredLoss();
                var optimiser = l2 > 0 ? new AdaGradRDA(lr, 1e-6, 0, l2, rows) : new AdaGrad(lr, 1e-6);
                yield new LinearSGDTrainer(objective, optimiser, (Integer) p.get("epochs"), Integer.MAX_VALUE, 1, seed);
            }
            case TREE -> new CARTRegressionTrainer((Integer) p.get("maxDepth"), ((Integer) p.get("minLeafSize")).floatValue(),
                    0f, 1f, false, new MeanSquaredError(), seed);
            case BOOSTED, FOREST -> throw new IllegalArgumentException(algorithm.wireName() + " is trained with XGBoost");
        };
    }

    static int[] sample(int n, boolean bootstrap, SplittableRandom random) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = bootstrap ? random.nextInt(n) : i;
        }
        return idx;
    }

    static int[] resample(int[] from, SplittableRandom random) {
        int[] out = new int[from.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = from[random.nextInt(from.length)];
        }
        return out;
    }

    static int[] shuffledRange(int n, SplittableRandom random) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }
}
