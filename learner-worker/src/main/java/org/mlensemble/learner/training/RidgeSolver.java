package org.mlensemble.learner.training;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.EncodedRow;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;

/**
 * The least-squares fit of a linear member in closed form: one pass over the encoded rows
 * accumulates X'X and X'y (sparse rows: the cost goes with the square of the features a row has,
 * not of the features there are), then a ridge system on the centred features is solved with a
 * Cholesky factorisation; the intercept is not penalised.
 * <p>
 * The ridge penalty is chosen by generalized cross-validation (Golub, Heath and Wahba) over a
 * logarithmic grid, from the eigendecomposition of the centred X'X: with {@code X'X = V D V'} and
 * {@code z = V'X'y}, every candidate's residual sum of squares and degrees of freedom are sums over
 * the eigenvalues, so no candidate needs a pass over the rows and no rows are held out. The
 * penalty is needed, not only tuned: a categorical column's one-hot levels sum to the constant
 * feature, so X'X is singular, and a shard may have fewer rows than features.
 * <p>
 * Features are the member's encoding's: numeric columns standardised on the shard, one-hot levels
 * as 0/1, as the SGD path sees them, so the penalty means the same on both paths.
 */
final class RidgeSolver {

    /** Penalties tried, as powers of ten times the mean eigenvalue of the centred X'X. */
    static final double LOG_LAMBDA_MIN = -10;
    static final double LOG_LAMBDA_MAX = 2;
    static final double LOG_LAMBDA_STEP = 0.1;
    /** A centred feature whose sum of squares is below this share of the rows is constant on the rows: no weight. */
    private static final double CONSTANT = 1e-10;

    /**
     * The solved weights, by position in the feature names given, and what was chosen.
     *
     * @param lambda the ridge penalty chosen
     * @param gcv    its generalized cross-validation score (mean squared error units of the target)
     * @param df     the fit's effective degrees of freedom, the intercept not counted
     * @param active features that vary over the rows, and so got a weight
     */
    record Solution(double[] weights, double intercept, double lambda, double gcv, double df, int active, int rows) {
    }

    private RidgeSolver() {
    }

    /**
     * Solves for the rows {@code rowIndex} of {@code rows} (a row listed twice counts twice, as in a
     * bootstrap sample).
     *
     * @param featureNames the encoding's features; a row's feature not among them is ignored
     */
    static Solution solve(List<EncodedRow> rows, double[] y, int[] rowIndex, List<String> featureNames) {
        Gram g = accumulate(rows, y, rowIndex, featureNames);
        return solve(g);
    }

    /** Sums over the rows: X'X (upper triangle), X'1, X'y, 1'y, y'y. */
    static final class Gram {
        final int p;
        final double[] xx;
        final double[] x;
        final double[] xy;
        double y;
        double yy;
        int n;

        Gram(int p) {
            this.p = p;
            this.xx = new double[p * p];
            this.x = new double[p];
            this.xy = new double[p];
        }
    }

    static Gram accumulate(List<EncodedRow> rows, double[] y, int[] rowIndex, List<String> featureNames) {
        int p = featureNames.size();
        Map<String, Integer> index = new HashMap<>(p * 2);
        for (int j = 0; j < p; j++) {
            index.put(featureNames.get(j), j);
        }
        Gram g = new Gram(p);
        int[] idx = new int[p];
        double[] val = new double[p];
        double[] xx = g.xx;
        for (int i : rowIndex) {
            EncodedRow r = rows.get(i);
            String[] names = r.names();
            double[] values = r.values();
            int k = 0;
            for (int a = 0; a < names.length; a++) {
                Integer j = index.get(names[a]);
                if (j != null && values[a] != 0) {
                    idx[k] = j;
                    val[k++] = values[a];
                }
            }
            double yi = y[i];
            for (int a = 0; a < k; a++) {
                int ia = idx[a];
                double va = val[a];
                g.x[ia] += va;
                g.xy[ia] += va * yi;
                for (int b = a; b < k; b++) {
                    int ib = idx[b];
                    if (ia <= ib) {
                        xx[ia * p + ib] += va * val[b];
                    } else {
                        xx[ib * p + ia] += va * val[b];
                    }
                }
            }
            g.y += yi;
            g.yy += yi * yi;
            g.n++;
        }
        return g;
    }

    static Solution solve(Gram g) {
        return solve(g, Double.NaN);
    }

    /**
     * @param fixedLambda the ridge penalty to use, or NaN to choose it by generalized
     *                    cross-validation
     */
    static Solution solve(Gram g, double fixedLambda) {
        int p = g.p;
        int n = g.n;
        if (n == 0) {
            throw new IllegalArgumentException("no rows to fit");
        }
        double yMean = g.y / n;
        double yy = Math.max(0, g.yy - g.y * yMean);
        // centred X'X: S - x x' / n; a feature constant over the rows (the bias, a level every row
        // or no row has) has a zero column and is left out
        int[] active = new int[p];
        int q = 0;
        for (int j = 0; j < p; j++) {
            double c = g.xx[j * p + j] - g.x[j] * g.x[j] / n;
            if (c > CONSTANT * n) {
                active[q++] = j;
            }
        }
        active = Arrays.copyOf(active, q);
        double[] weights = new double[p];
        if (q == 0) {
            return new Solution(weights, yMean, 0, yy / n, 0, 0, n);
        }
        double[][] c = new double[q][q];
        double[] cy = new double[q];
        double trace = 0;
        for (int a = 0; a < q; a++) {
            int ja = active[a];
            cy[a] = g.xy[ja] - g.x[ja] * yMean;
            for (int b = a; b < q; b++) {
                int jb = active[b];
                double v = g.xx[ja * p + jb] - g.x[ja] * g.x[jb] / n;
                c[a][b] = v;
                c[b][a] = v;
            }
            trace += c[a][a];
        }

        // the penalty, by GCV over the spectrum of the centred X'X
        DenseMatrix cm = DenseMatrix.createDenseMatrix(c);
        var eigen = cm.eigenDecomposition()
                .orElseThrow(() -> new IllegalStateException("the eigendecomposition of X'X failed"));
        DenseVector d = eigen.eigenvalues();
        DenseMatrix v = eigen.eigenvectors();
        double[] ev = new double[q];
        double[] z2 = new double[q];
        for (int i = 0; i < q; i++) {
            ev[i] = Math.max(0, d.get(i));
            double zi = 0;
            for (int a = 0; a < q; a++) {
                zi += v.get(a, i) * cy[a];
            }
            z2[i] = zi * zi;
        }
        double scale = trace / q;
        double bestLambda = Double.NaN;
        double bestGcv = Double.POSITIVE_INFINITY;
        double bestDf = 0;
        for (double lambda : lambdas(scale, fixedLambda)) {
            double df = 0;
            double explained = 0;
            for (int i = 0; i < q; i++) {
                double di = ev[i] + lambda;
                df += ev[i] / di;
                explained += z2[i] * (ev[i] + 2 * lambda) / (di * di);
            }
            double rss = Math.max(0, yy - explained);
            // the intercept is one more degree of freedom
            double free = 1 - (df + 1) / n;
            if (free <= 1e-9) {
                continue;
            }
            double gcv = rss / n / (free * free);
            if (gcv < bestGcv) {
                bestGcv = gcv;
                bestLambda = lambda;
                bestDf = df;
            }
        }
        if (Double.isNaN(bestLambda)) {
            // not even the largest penalty leaves a degree of freedom (a shard of one or two rows)
            bestLambda = Double.isNaN(fixedLambda) ? scale * Math.pow(10, LOG_LAMBDA_MAX) : fixedLambda;
            bestGcv = Double.NaN;
            bestDf = 0;
            for (int i = 0; i < q; i++) {
                bestDf += ev[i] / (ev[i] + bestLambda);
            }
        }

        double[] beta = choleskySolve(c, cy, bestLambda);
        if (beta == null) {
            beta = new double[q];
            for (int i = 0; i < q; i++) {
                double zi = 0;
                for (int a = 0; a < q; a++) {
                    zi += v.get(a, i) * cy[a];
                }
                double f = zi / (ev[i] + bestLambda);
                for (int a = 0; a < q; a++) {
                    beta[a] += v.get(a, i) * f;
                }
            }
        }
        double intercept = yMean;
        for (int a = 0; a < q; a++) {
            weights[active[a]] = beta[a];
            intercept -= beta[a] * g.x[active[a]] / n;
        }
        return new Solution(weights, intercept, bestLambda, bestGcv, bestDf, q, n);
    }

    /** The penalties tried: the grid, scaled to the mean eigenvalue, or the one given. */
    static double[] lambdas(double scale, double fixedLambda) {
        if (!Double.isNaN(fixedLambda)) {
            return new double[] {fixedLambda};
        }
        int steps = (int) Math.round((LOG_LAMBDA_MAX - LOG_LAMBDA_MIN) / LOG_LAMBDA_STEP);
        double[] out = new double[steps + 1];
        for (int s = 0; s <= steps; s++) {
            out[s] = scale * Math.pow(10, LOG_LAMBDA_MIN + s * LOG_LAMBDA_STEP);
        }
        return out;
    }

    /** Solves (C + lambda I) b = r by Cholesky; null if the factorisation fails. */
    static double[] choleskySolve(double[][] c, double[] r, double lambda) {
        int q = r.length;
        double[][] l = new double[q][q];
        for (int i = 0; i < q; i++) {
            for (int j = 0; j <= i; j++) {
                double s = c[i][j] + (i == j ? lambda : 0);
                double[] li = l[i];
                double[] lj = l[j];
                for (int k = 0; k < j; k++) {
                    s -= li[k] * lj[k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return null;
                    }
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        double[] w = new double[q];
        for (int i = 0; i < q; i++) {
            double s = r[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * w[k];
            }
            w[i] = s / l[i][i];
        }
        for (int i = q - 1; i >= 0; i--) {
            double s = w[i];
            for (int k = i + 1; k < q; k++) {
                s -= l[k][i] * w[k];
            }
            w[i] = s / l[i][i];
        }
        return w;
    }
}
