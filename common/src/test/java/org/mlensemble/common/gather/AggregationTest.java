package org.mlensemble.common.gather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationTest {

    private static final double EPS = 1e-12;

    @Test
    void meanAveragesEachRowOverMembers() {
        double[] mean = Aggregation.mean(List.of(new double[] {1, 10}, new double[] {3, 20}, new double[] {5, 60}));

        assertThat(mean).containsExactly(new double[] {3, 30}, within(EPS));
    }

    @Test
    void meanOfOneMemberIsThatMember() {
        assertThat(Aggregation.mean(List.of(new double[] {7, -2}))).containsExactly(new double[] {7, -2}, within(EPS));
    }

    @Test
    void weightedMeanNormalisesTheWeights() {
        double[] out = Aggregation.weightedMean(List.of(new double[] {0, 10}, new double[] {4, 20}),
            new double[] {1, 3});

        assertThat(out).containsExactly(new double[] {3, 17.5}, within(EPS));
    }

    @Test
    void weightedMeanWithNullWeightsIsTheMean() {
        List<double[]> members = List.of(new double[] {1, 2}, new double[] {3, 8});

        assertThat(Aggregation.weightedMean(members, null)).containsExactly(new double[] {2, 5}, within(EPS));
    }

    @Test
    void zeroWeightIgnoresAMember() {
        double[] out = Aggregation.weightedMean(List.of(new double[] {1}, new double[] {100}), new double[] {2, 0});

        assertThat(out).containsExactly(new double[] {1}, within(EPS));
    }

    @Test
    void inverseErrorWeightsAreOneOverSquaredError() {
        double[] w = Aggregation.inverseErrorWeights(new double[] {1, 2, 0.5});

        assertThat(w).containsExactly(new double[] {1, 0.25, 4}, within(EPS));
    }

    @Test
    void memberTwiceAsWrongCountsAQuarter() {
        double[] w = Aggregation.inverseErrorWeights(new double[] {1, 2});
        double[] out = Aggregation.weightedMean(List.of(new double[] {0}, new double[] {10}), w);

        assertThat(out[0]).isCloseTo(10 * 0.25 / 1.25, within(EPS));
    }

    @Test
    void inverseErrorWeightsFallBackToEqualWhenAnErrorIsNaN() {
        assertThat(Aggregation.inverseErrorWeights(new double[] {1, Double.NaN, 2}))
            .containsExactly(1, 1, 1);
    }

    @Test
    void inverseErrorWeightsFallBackToEqualWhenAnErrorIsZeroOrInfinite() {
        assertThat(Aggregation.inverseErrorWeights(new double[] {0, 2})).containsExactly(1, 1);
        assertThat(Aggregation.inverseErrorWeights(new double[] {Double.POSITIVE_INFINITY, 2})).containsExactly(1, 1);
    }

    @Test
    void refusesEmptyInput() {
        assertThrows(IllegalArgumentException.class, () -> Aggregation.mean(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Aggregation.weightedMean(List.of(), new double[0]));
    }

    @Test
    void refusesMembersOfDifferentLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Aggregation.mean(List.of(new double[] {1, 2}, new double[] {1})));

        assertThat(e).hasMessageContaining("number of rows");
    }

    @Test
    void refusesNegativeNonFiniteOrAllZeroWeights() {
        List<double[]> members = List.of(new double[] {1}, new double[] {2});

        assertThrows(IllegalArgumentException.class, () -> Aggregation.weightedMean(members, new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class,
            () -> Aggregation.weightedMean(members, new double[] {1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> Aggregation.weightedMean(members, new double[] {0, 0}));
    }
}
