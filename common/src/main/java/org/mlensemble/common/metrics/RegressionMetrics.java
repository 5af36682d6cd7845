package org.mlensemble.common.metrics;

/**
 * Regression scores of predictions against actual values. The names follow Tribuo's
 * ({@code rmse}, {@code mae}, {@code r2}); {@code rmsle} is undefined when a value is below -1,
 * and is then NaN.
 */
public record RegressionMetrics(int rows, double rmse, double mae, double r2, double mse, double rmsle, double msle) {

    public static RegressionMetrics of(double[] actual, double[] predicted) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(
                    "actual and predicted differ in length: " + actual.length + " vs " + predicted.length);
        }
        int n = actual.length;
        if (n == 0) {
            throw new IllegalArgumentException("no rows to score");
        }
        double mean = 0;
        for (double a : actual) {
            mean += a;
        }
        mean /= n;
        double sse = 0;
        double sae = 0;
        double sst = 0;
        double ssle = 0;
        boolean logDefined = true;
        for (int i = 0; i < n; i++) {
            double err = predicted[i] - actual[i];
            sse += err * err;
            sae += Math.abs(err);
            double dev = actual[i] - mean;
            sst += dev * dev;
            if (actual[i] <= -1 || predicted[i] <= -1) {
                logDefined = false;
            } else {
                double le = Math.log1p(predicted[i]) - Math.log1p(actual[i]);
                ssle += le * le;
            }
        }
        double mse = sse / n;
        double msle = logDefined ? ssle / n : Double.NaN;
        double r2 = sst == 0 ? (sse == 0 ? 1.0 : 0.0) : 1 - sse / sst;
        return new RegressionMetrics(n, Math.sqrt(mse), sae / n, r2, mse, Math.sqrt(msle), msle);
    }
}
