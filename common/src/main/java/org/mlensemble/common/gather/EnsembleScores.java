package org.mlensemble.common.gather;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.metrics.RegressionMetrics;

/**
 * The scores of one evaluation of an ensemble, from the members' predictions on one test set: of
 * the ensemble, of each member alone, and of the ensemble without each member (leave one out,
 * which says what a member adds).
 *
 * @param ensemble       the combined predictions, one per test row
 * @param metrics        the ensemble's scores
 * @param perMember      each member's own scores, by member id
 * @param withoutMember  the ensemble's scores without each member, by member id; empty for one member
 * @param sample         {@code [actual, ensemble]} pairs of every (rows / maxSample)-th row, from the
 *                       first: about {@code maxSample} evenly spaced pairs, for a chart
 */
public record EnsembleScores(double[] ensemble, RegressionMetrics metrics, Map<String, RegressionMetrics> perMember,
        Map<String, RegressionMetrics> withoutMember, List<double[]> sample) {

    /**
     * @param actual      the test set's labels
     * @param memberIds   one id per member, distinct
     * @param predictions one vector per member, in the order of {@code memberIds}, each as long as
     *                    {@code actual}
     * @param holdoutRmse each member's held-out RMSE in the same order ({@code NaN} where unknown) to
     *                    weight the members by it, or null for the plain mean
     * @param maxSample   about how many pairs {@link #sample} holds, at least 1
     */
    public static EnsembleScores of(double[] actual, List<String> memberIds, List<double[]> predictions,
            double[] holdoutRmse, int maxSample) {
        if (memberIds.size() != predictions.size()) {
            throw new IllegalArgumentException(memberIds.size() + " member ids for " + predictions.size()
                    + " prediction vectors");
        }
        double[] ensemble = Aggregation.combine(predictions, holdoutRmse);
        Map<String, RegressionMetrics> perMember = new LinkedHashMap<>();
        Map<String, RegressionMetrics> without = new LinkedHashMap<>();
        for (int m = 0; m < memberIds.size(); m++) {
            perMember.put(memberIds.get(m), RegressionMetrics.of(actual, predictions.get(m)));
            if (memberIds.size() > 1) {
                double[] rest = Aggregation.combine(allBut(predictions, m), allBut(holdoutRmse, m));
                without.put(memberIds.get(m), RegressionMetrics.of(actual, rest));
            }
        }
        List<double[]> sample = new ArrayList<>();
        int step = Math.max(1, actual.length / maxSample);
        for (int i = 0; i < actual.length; i += step) {
            sample.add(new double[] {actual[i], ensemble[i]});
        }
        return new EnsembleScores(ensemble, RegressionMetrics.of(actual, ensemble), perMember, without, sample);
    }

    private static List<double[]> allBut(List<double[]> values, int skip) {
        List<double[]> out = new ArrayList<>(values);
        out.remove(skip);
        return out;
    }

    private static double[] allBut(double[] values, int skip) {
        if (values == null) {
            return null;
        }
        double[] out = new double[values.length - 1];
        System.arraycopy(values, 0, out, 0, skip);
        System.arraycopy(values, skip + 1, out, skip, values.length - skip - 1);
        return out;
    }
}
