package org.mlensemble.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadGenTest {

    private static final long MS = 1_000_000;

    @Test
    void percentilesAreNearestRankOverSortedLatencies() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (i + 1) * MS;
        }

        assertThat(LoadGen.pct(sorted, 0.50)).isEqualTo(50.0);
        assertThat(LoadGen.pct(sorted, 0.99)).isEqualTo(99.0);
        assertThat(LoadGen.pct(sorted, 0.999)).isEqualTo(100.0);
    }

    @Test
    void noLatenciesGiveNoPercentile() {
        assertThat(LoadGen.pct(new long[0], 0.5)).isNaN();
    }
}
