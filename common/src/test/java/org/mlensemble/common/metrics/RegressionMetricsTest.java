package org.mlensemble.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    private static final double EPS = 1e-12;
    private static final double LN2 = Math.log(2);

    /**
     * actual 0, 1, 3, 7; predicted 1, 3, 0, 7: errors 1, 2, -3, 0, so SSE 14 and SAE 6; the mean of
     * the actuals is 2.75 and SST 28.75; log1p of every value is a multiple of ln 2 (0, 1, 2, 3), so
     * the log errors are ln2, ln2, -2 ln2, 0.
     */
    @Test
    void scoresATinyExampleAsComputedByHand() {
        RegressionMetrics m = RegressionMetrics.of(new double[] {0, 1, 3, 7}, new double[] {1, 3, 0, 7});

        assertThat(m.rows()).isEqualTo(4);
        assertThat(m.mse()).isCloseTo(3.5, within(EPS));
        assertThat(m.rmse()).isCloseTo(Math.sqrt(3.5), within(EPS));
        assertThat(m.mae()).isCloseTo(1.5, within(EPS));
        assertThat(m.r2()).isCloseTo(1 - 14 / 28.75, within(EPS));
        assertThat(m.msle()).isCloseTo(1.5 * LN2 * LN2, within(EPS));
        assertThat(m.rmsle()).isCloseTo(Math.sqrt(1.5) * LN2, within(EPS));
    }

    @Test
    void r2IsNegativeWhenWorseThanTheMean() {
        RegressionMetrics m = RegressionMetrics.of(new double[] {1, 2, 3, 4}, new double[] {2, 2, 2, 6});

        assertThat(m.r2()).isCloseTo(-0.2, within(EPS));
    }

    @Test
    void perfectPredictionHasR2OneAndNoError() {
        double[] y = {3, 5, 11};
        RegressionMetrics m = RegressionMetrics.of(y, y.clone());

        assertThat(m.r2()).isEqualTo(1.0);
        assertThat(m.rmse()).isZero();
        assertThat(m.mae()).isZero();
        assertThat(m.rmsle()).isZero();
    }

    @Test
    void constantActualsScoreR2OneOnlyWhenPredictedExactly() {
        assertThat(RegressionMetrics.of(new double[] {2, 2}, new double[] {2, 2}).r2()).isEqualTo(1.0);
        assertThat(RegressionMetrics.of(new double[] {2, 2}, new double[] {1, 3}).r2()).isEqualTo(0.0);
    }

    @Test
    void rmsleIsNaNWhenAValueIsAtOrBelowMinusOne() {
        RegressionMetrics actualLow = RegressionMetrics.of(new double[] {-1, 2}, new double[] {0, 2});
        RegressionMetrics predictedLow = RegressionMetrics.of(new double[] {0, 2}, new double[] {-3, 2});

        assertThat(actualLow.rmsle()).isNaN();
        assertThat(actualLow.msle()).isNaN();
        assertThat(predictedLow.rmsle()).isNaN();
        assertThat(actualLow.rmse()).isCloseTo(Math.sqrt(0.5), within(EPS));
    }

    @Test
    void rmsleIsDefinedJustAboveMinusOne() {
        assertThat(RegressionMetrics.of(new double[] {-0.5}, new double[] {-0.5}).rmsle()).isZero();
    }

    @Test
    void refusesMismatchedLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RegressionMetrics.of(new double[] {1, 2}, new double[] {1}));

        assertThat(e).hasMessageContaining("2 vs 1");
    }

    @Test
    void refusesNoRows() {
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new double[0], new double[0]));
    }
}
