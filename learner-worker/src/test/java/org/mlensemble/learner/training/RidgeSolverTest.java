package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;

class RidgeSolverTest {

    private static final List<String> TWO = List.of("a", "b", FeatureEncoding.BIAS);

    private static EncodedRow row(double a, double b) {
        return new EncodedRow(new String[] {"a", "b", FeatureEncoding.BIAS}, new double[] {a, b, 1});
    }

    private static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Test
    void solvesAnExactlyLinearTargetToItsCoefficients() {
        List<EncodedRow> rows = new ArrayList<>();
        double[] y = new double[40];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < y.length; i++) {
            double a = r.nextDouble(-2, 2);
            double b = r.nextDouble(-2, 2);
            rows.add(row(a, b));
            y[i] = 2 + 3 * a - 1.5 * b;
        }

        RidgeSolver.Solution s = RidgeSolver.solve(rows, y, all(y.length), TWO);

        // without noise the least penalty of the grid wins: the fit is the generating plane
        assertThat(s.weights()[0]).isCloseTo(3, within(1e-6));
        assertThat(s.weights()[1]).isCloseTo(-1.5, within(1e-6));
        assertThat(s.weights()[2]).as("the constant feature is the intercept's").isZero();
        assertThat(s.intercept()).isCloseTo(2, within(1e-6));
        assertThat(s.active()).isEqualTo(2);
        assertThat(s.df()).isCloseTo(2, within(1e-6));
    }

    @Test
    void matchesTheNormalEquationsSolvedByHand() {
        // five rows: centred sums of squares and products, then the 2 x 2 system by Cramer's rule
        double[][] x = {{1, 2}, {2, 1}, {3, 5}, {4, 3}, {6, 4}};
        double[] y = {3, 4, 9, 8, 12};
        List<EncodedRow> rows = new ArrayList<>();
        for (double[] xi : x) {
            rows.add(row(xi[0], xi[1]));
        }
        double ma = 16 / 5.0;
        double mb = 15 / 5.0;
        double my = 36 / 5.0;
        double saa = 0;
        double sab = 0;
        double sbb = 0;
        double say = 0;
        double sby = 0;
        for (int i = 0; i < x.length; i++) {
            double da = x[i][0] - ma;
            double db = x[i][1] - mb;
            double dy = y[i] - my;
            saa += da * da;
            sab += da * db;
            sbb += db * db;
            say += da * dy;
            sby += db * dy;
        }
        for (double lambda : new double[] {1e-9, 0.7, 25}) {
            double det = (saa + lambda) * (sbb + lambda) - sab * sab;
            double wa = (say * (sbb + lambda) - sab * sby) / det;
            double wb = ((saa + lambda) * sby - sab * say) / det;

            RidgeSolver.Solution s = RidgeSolver.solve(RidgeSolver.accumulate(rows, y, all(5), TWO), lambda);

            assertThat(s.weights()[0]).isCloseTo(wa, within(1e-9));
            assertThat(s.weights()[1]).isCloseTo(wb, within(1e-9));
            assertThat(s.intercept()).isCloseTo(my - wa * ma - wb * mb, within(1e-9));
            assertThat(s.lambda()).isEqualTo(lambda);
        }
    }

    @Test
    void aRowListedTwiceCountsTwice() {
        List<EncodedRow> rows = List.of(row(1, 0), row(0, 1), row(1, 1), row(2, 1), row(0, 3));
        double[] y = {1, 2, 2.5, 4, 5};
        List<EncodedRow> doubled = new ArrayList<>(rows);
        doubled.add(rows.get(3));
        double[] y2 = {1, 2, 2.5, 4, 5, 4};

        RidgeSolver.Solution sampled = RidgeSolver.solve(RidgeSolver.accumulate(rows, y, new int[] {0, 1, 2, 3, 3, 4},
                TWO), 0.1);
        RidgeSolver.Solution copied = RidgeSolver.solve(RidgeSolver.accumulate(doubled, y2, all(6), TWO), 0.1);

        assertThat(sampled.weights()).containsExactly(copied.weights(), within(1e-12));
        assertThat(sampled.intercept()).isCloseTo(copied.intercept(), within(1e-12));
    }

    /**
     * More features than rows, and one-hot levels that sum to the constant: X'X is singular, and
     * the least-squares solution is not unique. The penalty GCV picks keeps the weights finite, does
     * not interpolate the rows, and the fit still predicts new rows of the same law.
     */
    @Test
    void moreFeaturesThanRowsGivesAFiniteSensibleFit() {
        int p = 60;
        List<String> names = new ArrayList<>();
        for (int j = 0; j < p; j++) {
            names.add("x" + j);
        }
        names.add("c=u");
        names.add("c=v");
        names.add(FeatureEncoding.BIAS);
        SplittableRandom r = new SplittableRandom(11);
        int n = 25;
        int unseen = 400;
        List<EncodedRow> rows = new ArrayList<>();
        double[] y = new double[n + unseen];
        for (int i = 0; i < n + unseen; i++) {
            String[] f = new String[p + 2];
            double[] v = new double[p + 2];
            for (int j = 0; j < p; j++) {
                f[j] = names.get(j);
                v[j] = r.nextGaussian();
            }
            boolean u = r.nextBoolean();
            f[p] = u ? "c=u" : "c=v";
            v[p] = 1;
            f[p + 1] = FeatureEncoding.BIAS;
            v[p + 1] = 1;
            rows.add(new EncodedRow(f, v));
            y[i] = 1 + 2 * v[0] - v[1] + 0.5 * v[2] + (u ? 1 : 0) + 0.3 * r.nextGaussian();
        }

        RidgeSolver.Solution s = RidgeSolver.solve(rows, y, all(n), names);

        assertThat(Arrays.stream(s.weights()).allMatch(Double::isFinite)).isTrue();
        assertThat(s.intercept()).isFinite();
        assertThat(s.gcv()).isFinite();
        assertThat(s.lambda()).isPositive();
        assertThat(s.df()).isLessThan(n - 1);
        var model = new SolvedLinearRegression(names, s.weights(), s.intercept(), java.util.Map.of());
        double[] fitted = model.predict(rows.subList(0, n));
        double rss = 0;
        for (int i = 0; i < n; i++) {
            rss += (fitted[i] - y[i]) * (fitted[i] - y[i]);
        }
        assertThat(rss).as("a ridge fit does not interpolate").isGreaterThan(1e-6);
        double[] predicted = model.predict(rows.subList(n, n + unseen));
        double mean = 0;
        for (int i = n; i < n + unseen; i++) {
            mean += y[i] / unseen;
        }
        double sse = 0;
        double sst = 0;
        for (int i = 0; i < unseen; i++) {
            sse += (predicted[i] - y[n + i]) * (predicted[i] - y[n + i]);
            sst += (y[n + i] - mean) * (y[n + i] - mean);
        }
        assertThat(1 - sse / sst).as("R2 on rows it did not see").isGreaterThan(0.2);
    }

    @Test
    void aConstantTargetOrFeatureGetsNoWeight() {
        List<EncodedRow> rows = List.of(row(1, 5), row(2, 5), row(3, 5), row(4, 5));
        double[] y = {7, 7, 7, 7};

        RidgeSolver.Solution s = RidgeSolver.solve(rows, y, all(4), TWO);

        assertThat(s.weights()).containsExactly(0, 0, 0);
        assertThat(s.intercept()).isEqualTo(7);
        assertThat(s.active()).isEqualTo(1);
    }
}
