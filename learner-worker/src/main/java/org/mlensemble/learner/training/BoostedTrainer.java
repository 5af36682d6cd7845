package org.mlensemble.learner.training;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.mlensemble.common.features.EncodedRow;

/**
 * Trains XGBoost boosters (boosted trees, and random forests in XGBoost's random-forest mode) straight from the encoded rows of a shard, as one dense float matrix
 * (Tribuo's XGBoost adapter copies every example through its own feature maps first, which cost
 * more than the training). The boosting loop is ours, one {@code update} per round, so that
 * progress is reported and early stopping needs no log output from XGBoost.
 * <p>
 * Deterministic: the histogram method gives the same trees whatever the thread count, and
 * {@code seed_per_iteration} reseeds the row and column sampling from the seed at every round.
 */
public final class BoostedTrainer {

    /** The XGBoost4J release on the class path, as its jar records it. */
    public static final String XGBOOST_VERSION = xgboostVersion();

    private static final Pattern VALID_RMSE = Pattern.compile("valid-rmse:([-+0-9.eE]+|nan|inf)");

    /** What a training produced: the booster, and the rounds it kept. */
    record Result(BoostedRegression regression, int rounds, int bestIteration) {
    }

    /**
     * What the boosting loop produced: the booster (with {@link BoostedRegression#BEST_ITERATION}
     * set when it stopped early), the rounds it trained and the round it kept.
     */
    public record Rounds(Booster booster, int rounds, int bestIteration) {
    }

    private BoostedTrainer() {
    }

    /**
     * @param validIdx rows to stop early on (empty: train every round)
     * @param attrs    provenance stored in the model file itself
     * @param progress told the share of rounds done, 0-100
     */
    static Result boosted(List<EncodedRow> rows, double[] y, int[] trainIdx, int[] validIdx, List<String> featureNames,
            Map<String, Object> p, long seed, int threads, Map<String, String> attrs, IntConsumer progress) {
        return train(rows, y, trainIdx, validIdx, featureNames, boostedParams(p, seed, threads), (Integer) p.get("trees"),
                (Integer) p.get("earlyStoppingRounds"), attrs, progress);
    }

    /** XGBoost's parameters for the {@code boosted} algorithm's resolved parameters {@code p}. */
    public static Map<String, Object> boostedParams(Map<String, Object> p, long seed, int threads) {
        Map<String, Object> params = common(seed, threads);
        params.put("max_depth", p.get("maxDepth"));
        params.put("eta", p.get("learningRate"));
        params.put("subsample", p.get("subsample"));
        params.put("colsample_bytree", p.get("colsampleByTree"));
        params.put("min_child_weight", p.get("minChildWeight"));
        params.put("lambda", p.get("lambda"));
        return params;
    }

    /** XGBoost's parameters for the {@code forest} algorithm's resolved parameters {@code p}: see {@link #forest}. */
    public static Map<String, Object> forestParams(Map<String, Object> p, long seed, int threads) {
        Map<String, Object> params = common(seed, threads);
        params.put("num_parallel_tree", p.get("trees"));
        params.put("max_depth", p.get("maxDepth"));
        params.put("min_child_weight", p.get("minLeafSize"));
        params.put("colsample_bynode", p.get("featureFraction"));
        params.put("subsample", p.get("rowFraction"));
        params.put("eta", 1);
        params.put("lambda", 0);
        params.put("max_bin", p.get("maxBins"));
        return params;
    }

    /**
     * A random forest in XGBoost's random-forest mode: one round of {@code trees} parallel trees,
     * no shrinkage and no L2 on the leaves (each leaf is the mean of its rows), every tree grown on
     * {@code rowFraction} of the rows drawn without replacement and trying {@code featureFraction}
     * of the features at each split. The trees are averaged, as a forest's are.
     */
    static Result forest(List<EncodedRow> rows, double[] y, int[] trainIdx, List<String> featureNames,
            Map<String, Object> p, long seed, int threads, Map<String, String> attrs) {
        return train(rows, y, trainIdx, new int[0], featureNames, forestParams(p, seed, threads), 1, 0, attrs,
                pct -> { });
    }

    private static Result train(List<EncodedRow> rows, double[] y, int[] trainIdx, int[] validIdx,
            List<String> featureNames, Map<String, Object> params, int rounds, int patience, Map<String, String> attrs,
            IntConsumer progress) {
        Map<String, Integer> columns = BoostedRegression.index(featureNames);
        DMatrix train = null;
        DMatrix valid = null;
        try {
            train = matrix(rows, y, trainIdx, columns);
            boolean stopEarly = patience > 0 && validIdx.length > 0;
            if (stopEarly) {
                valid = matrix(rows, y, validIdx, columns);
            }
            Rounds r = rounds(train, valid, params, rounds, patience, progress);
            Booster booster = r.booster();
            Map<String, String> all = new HashMap<>(attrs);
            all.put(BoostedRegression.ABSENT, BoostedRegression.ABSENT_MISSING);
            booster.setAttrs(all);
            return new Result(new BoostedRegression(withoutTrainingState(booster, params), featureNames), r.rounds(),
                    r.bestIteration());
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost training failed: " + e.getMessage(), e);
        } finally {
            dispose(train);
            dispose(valid);
        }
    }

    /**
     * The boosting loop: one {@code update} per round, stopping early when {@code valid} is given,
     * {@code patience} is positive and the validation RMSE has not improved for that many rounds.
     * Under XGBoost's collective (a joint training) every call here is collective: each worker runs
     * the same rounds, and the validation RMSE is the one over every worker's rows, so all workers
     * stop at the same round.
     *
     * @param valid    rows to stop early on, or null
     * @param progress told the share of rounds done, 0-100
     */
    public static Rounds rounds(DMatrix train, DMatrix valid, Map<String, Object> params, int rounds, int patience,
            IntConsumer progress) throws XGBoostError {
        boolean stopEarly = patience > 0 && valid != null;
        Map<String, DMatrix> watches = new HashMap<>();
        if (stopEarly) {
            watches.put("valid", valid);
        }
        Booster booster = XGBoost.train(train, params, 0, watches, null, null);
        int best = -1;
        double bestRmse = Double.POSITIVE_INFINITY;
        int done = 0;
        for (int round = 0; round < rounds; round++) {
            booster.update(train, round);
            done = round + 1;
            if (stopEarly) {
                double rmse = rmse(booster.evalSet(new DMatrix[] {valid}, new String[] {"valid"}, round));
                if (rmse < bestRmse) {
                    bestRmse = rmse;
                    best = round;
                } else if (round - best >= patience) {
                    break;
                }
            }
            if (round % 10 == 0) {
                progress.accept(100 * done / rounds);
            }
        }
        if (stopEarly) {
            booster.setAttr(BoostedRegression.BEST_ITERATION, Integer.toString(best));
        }
        return new Rounds(booster, done, stopEarly ? best : done - 1);
    }

    /** The parameters every training shares. */
    private static Map<String, Object> common(long seed, int threads) {
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "reg:squarederror");
        params.put("eval_metric", "rmse");
        params.put("tree_method", "hist");
        params.put("max_bin", 256);
        params.put("seed", seed & 0x7fffffff);
        params.put("seed_per_iteration", true);
        params.put("nthread", threads);
        params.put("verbosity", 0);
        return params;
    }

    private static DMatrix matrix(List<EncodedRow> rows, double[] y, int[] idx, Map<String, Integer> columns)
            throws XGBoostError {
        List<EncodedRow> picked = new java.util.ArrayList<>(idx.length);
        float[] label = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            picked.add(rows.get(idx[i]));
            label[i] = (float) y[idx[i]];
        }
        DMatrix m = new DMatrix(BoostedRegression.dense(picked, columns, Float.NaN), idx.length, columns.size(),
                Float.NaN);
        m.setLabel(label);
        return m;
    }

    static double rmse(String evaluation) {
        Matcher m = VALID_RMSE.matcher(evaluation);
        if (!m.find()) {
            throw new IllegalStateException("unexpected XGBoost evaluation: " + evaluation);
        }
        double v = Double.parseDouble(m.group(1).replace("inf", "Infinity").replace("nan", "NaN"));
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static String xgboostVersion() {
        try (var in = Booster.class.getResourceAsStream("/META-INF/maven/ml.dmlc/xgboost4j_2.12/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            var properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * The booster as its saved model alone: a trained booster keeps its updaters' working memory
     * (node histograms, row partitions: ~100 MB of native memory for a forest of 25 deep trees on
     * 5,000 rows) for as long as it lives, and a member lives as long as the learner serves it. The
     * copy is read back from the bytes {@link BoostedRegression#save} writes, so it predicts what a
     * learner that loads the member from disk predicts; it predicts on the training's threads.
     */
    static Booster withoutTrainingState(Booster trained, Map<String, Object> params) throws XGBoostError {
        Booster copy;
        try {
            copy = XGBoost.loadModel(trained.toByteArray("ubj"));
        } catch (java.io.IOException e) {
            throw new XGBoostError("cannot read back the trained booster: " + e.getMessage());
        }
        copy.setParam("nthread", params.get("nthread"));
        trained.dispose();
        return copy;
    }

    private static void dispose(DMatrix m) {
        if (m != null) {
            m.dispose();
        }
    }
}
