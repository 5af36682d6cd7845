package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;

/**
 * An XGBoost booster over the matrix of a member's encoding: column {@code j} is feature
 * {@code encoding.featureNames().get(j)}; a feature the row lacks (a level it does not have, an
 * indicator that is off) is missing to XGBoost, and a feature the encoding never saw (a level
 * unseen in training) is dropped, as a Tribuo model ignores it. Missing rather than 0 because
 * XGBoost's histograms then skip it: a row has ~80 features present of ~300, and training time
 * goes with the entries present (a forest on 9,400 rows 2-3 x faster); a split on a one-hot
 * feature sends its absent rows the way training learned for them, which is what a 0 did. A
 * booster trained before, with absent features as 0 (no {@link #ABSENT} attribute), is still
 * given 0s. Stored in XGBoost's own UBJSON format, which carries
 * the member's provenance as booster attributes.
 * <p>
 * Prediction of encoded rows goes through XGBoost's in-place dense prediction, which is safe to
 * call from concurrent threads; the column-major predict path walks the same trees in Java
 * ({@link CompiledBooster}, read once from the booster's JSON model), to float precision the same
 * predictions at a fraction of the cost.
 */
final class BoostedRegression implements Regression {

    static final String FILE = "member.ubj";
    /** Set when early stopping chose a round: prediction uses the trees up to it. */
    static final String BEST_ITERATION = "best_iteration";
    /** Booster attribute: "missing" when absent features were given as missing, not as 0. */
    static final String ABSENT = "absentFeatures";
    static final String ABSENT_MISSING = "missing";

    /**
     * Rows handed to XGBoost at a time: the dense matrix (and the native copy JNI makes of it) is
     * 1.2 MB for a block of 1,000 rows of ~300 features, instead of 12 MB for a 10,000-row job.
     */
    static final int BLOCK_ROWS = 1_000;

    private final Booster booster;
    private final Map<String, Integer> columns;
    private final int[] iterationRange;
    private final float absent;
    private final CompiledBooster compiled;

    BoostedRegression(Booster booster, List<String> featureNames) throws XGBoostError {
        this.booster = booster;
        this.columns = index(featureNames);
        this.absent = ABSENT_MISSING.equals(booster.getAttr(ABSENT)) ? Float.NaN : 0f;
        String best = booster.getAttr(BEST_ITERATION);
        this.iterationRange = best == null ? new int[] {0, 0} : new int[] {0, Integer.parseInt(best) + 1};
        this.compiled = CompiledBooster.of(booster.toByteArray("json"), featureNames, iterationRange, absent);
    }

    /** The booster's trees as arrays for the column-major predict path, or null: XGBoost's path. */
    CompiledBooster compiled() {
        return compiled;
    }

    /** The rows as one row-major float matrix over {@code columns}. */
    static float[] dense(List<EncodedRow> rows, Map<String, Integer> columns, float absent) {
        int width = columns.size();
        float[] out = new float[rows.size() * width];
        if (absent != 0f) {
            java.util.Arrays.fill(out, absent);
        }
        for (int i = 0; i < rows.size(); i++) {
            EncodedRow r = rows.get(i);
            String[] names = r.names();
            double[] values = r.values();
            int base = i * width;
            for (int k = 0; k < names.length; k++) {
                Integer j = columns.get(names[k]);
                if (j != null) {
                    out[base + j] = (float) values[k];
                }
            }
        }
        return out;
    }

    static Map<String, Integer> index(List<String> featureNames) {
        Map<String, Integer> index = new HashMap<>(featureNames.size() * 2);
        for (int j = 0; j < featureNames.size(); j++) {
            index.put(featureNames.get(j), j);
        }
        return index;
    }

    Booster booster() {
        return booster;
    }

    @Override
    public double[] predict(List<EncodedRow> rows) {
        if (rows.isEmpty()) {
            return new double[0];
        }
        try {
            double[] out = new double[rows.size()];
            for (int from = 0; from < out.length; from += BLOCK_ROWS) {
                List<EncodedRow> block = rows.subList(from, Math.min(out.length, from + BLOCK_ROWS));
                float[][] p = booster.inplace_predict(dense(block, columns, absent), block.size(), columns.size(),
                        Float.NaN, iterationRange, Booster.PredictionType.kValue, null);
                for (int i = 0; i < p.length; i++) {
                    out[from + i] = p[i][0];
                }
            }
            return out;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(Path folder) throws IOException {
        try {
            Files.write(folder.resolve(FILE), booster.toByteArray("ubj"));
        } catch (XGBoostError e) {
            throw new IOException("cannot serialise the booster: " + e.getMessage(), e);
        }
    }

    static BoostedRegression load(Path file, FeatureEncoding encoding) throws IOException {
        try {
            Booster booster = XGBoost.loadModel(Files.readAllBytes(file));
            List<String> names = encoding.featureNames();
            if (booster.getNumFeature() != names.size()) {
                throw new IOException("the booster has " + booster.getNumFeature() + " features, its encoding "
                        + names.size());
            }
            return new BoostedRegression(booster, names);
        } catch (XGBoostError e) {
            throw new IOException("not an XGBoost model: " + e.getMessage(), e);
        }
    }
}
