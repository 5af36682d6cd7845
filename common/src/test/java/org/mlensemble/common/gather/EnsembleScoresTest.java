package org.mlensemble.common.gather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.metrics.RegressionMetrics;

class EnsembleScoresTest {

    private static final double EPS = 1e-12;
    private static final double[] ACTUAL = {1, 2, 3, 4};
    private static final double[] EXACT = {1, 2, 3, 4};
    private static final double[] HIGH = {3, 4, 5, 6};
    private static final double[] LOW = {0, 1, 2, 3};

    @Test
    void theEnsembleIsTheMeanAndEachMemberIsScoredAlone() {
        EnsembleScores s = EnsembleScores.of(ACTUAL, List.of("a", "b"), List.of(EXACT, HIGH), null, 500);

        assertThat(s.ensemble()).containsExactly(new double[] {2, 3, 4, 5}, within(EPS));
        assertThat(s.metrics().rmse()).isCloseTo(1, within(EPS));
        assertThat(s.perMember().get("a").rmse()).isCloseTo(0, within(EPS));
        assertThat(s.perMember().get("b").rmse()).isCloseTo(2, within(EPS));
    }

    @Test
    void leavingOneMemberOutScoresTheOthersCombined() {
        EnsembleScores s = EnsembleScores.of(ACTUAL, List.of("a", "b", "c"), List.of(EXACT, HIGH, LOW), null, 500);

        // without a: mean of HIGH and LOW is {1.5, 2.5, ...}, off by 0.5 everywhere
        assertThat(s.withoutMember().get("a").rmse()).isCloseTo(0.5, within(EPS));
        // without b: mean of EXACT and LOW, off by -0.5
        assertThat(s.withoutMember().get("b").mae()).isCloseTo(0.5, within(EPS));
        // without c: mean of EXACT and HIGH, off by 1
        assertThat(s.withoutMember().get("c").rmse()).isCloseTo(1, within(EPS));
        assertThat(s.withoutMember()).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void oneMemberHasNoLeaveOneOutScore() {
        EnsembleScores s = EnsembleScores.of(ACTUAL, List.of("a"), List.of(HIGH), null, 500);

        assertThat(s.withoutMember()).isEmpty();
        assertThat(s.metrics()).isEqualTo(RegressionMetrics.of(ACTUAL, HIGH));
    }

    @Test
    void weightsByInverseSquaredHoldoutErrorAlsoWithoutEachMember() {
        // b is twice as wrong on its holdout: it weighs a quarter of a
        EnsembleScores s = EnsembleScores.of(ACTUAL, List.of("a", "b", "c"), List.of(EXACT, HIGH, LOW),
                new double[] {1, 2, 1}, 500);

        double wa = 1, wb = 0.25, wc = 1, sum = wa + wb + wc;
        assertThat(s.ensemble()[0]).isCloseTo((wa * 1 + wb * 3 + wc * 0) / sum, within(EPS));
        // without c: a and b weighted 1 : 0.25, so 0.2 of b's +2 error
        assertThat(s.withoutMember().get("c").rmse()).isCloseTo(0.4, within(EPS));
    }

    @Test
    void aMemberWithoutAHoldoutErrorMakesEveryWeightEqual() {
        EnsembleScores s = EnsembleScores.of(ACTUAL, List.of("a", "b"), List.of(EXACT, HIGH),
                new double[] {1, Double.NaN}, 500);

        assertThat(s.ensemble()).containsExactly(new double[] {2, 3, 4, 5}, within(EPS));
    }

    @Test
    void theSampleTakesEveryNthRowSoThatAboutMaxSampleRemain() {
        double[] actual = new double[10];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = i;
        }
        EnsembleScores s = EnsembleScores.of(actual, List.of("a"), List.of(actual), null, 3);

        assertThat(s.sample()).extracting(p -> p[0]).containsExactly(0.0, 3.0, 6.0, 9.0);
        assertThat(EnsembleScores.of(ACTUAL, List.of("a"), List.of(EXACT), null, 500).sample()).hasSize(4);
    }

    @Test
    void idsAndPredictionsMustPair() {
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleScores.of(ACTUAL, List.of("a", "b"), List.of(EXACT), null, 500));
    }
}
