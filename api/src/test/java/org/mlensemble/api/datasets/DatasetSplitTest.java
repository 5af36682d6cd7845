package org.mlensemble.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        DatasetSplit a = DatasetSplit.of(1000, 0.3, 4, 42);
        DatasetSplit b = DatasetSplit.of(1000, 0.3, 4, 42);
        DatasetSplit c = DatasetSplit.of(1000, 0.3, 4, 43);
        assertThat(a.partOfRow()).isEqualTo(b.partOfRow());
        assertThat(a.partOfRow()).isNotEqualTo(c.partOfRow());
    }

    @Test
    void theTestSetGetsTheCeilingOfItsShareAndShardsDifferByAtMostOneRow() {
        DatasetSplit s = DatasetSplit.of(1003, 0.3, 4, 7);
        assertThat(s.rowsOfPart()[s.test()]).isEqualTo(301); // ceil(300.9)
        int[] shards = Arrays.copyOf(s.rowsOfPart(), 4);
        assertThat(Arrays.stream(shards).sum()).isEqualTo(1003 - 301);
        assertThat(Arrays.stream(shards).max().getAsInt() - Arrays.stream(shards).min().getAsInt()).isLessThanOrEqualTo(1);
        assertThat(DatasetSplit.testRows(10, 0.3)).as("no rounding up of 3.0000000000000004").isEqualTo(3);
    }

    @Test
    void everyRowGoesToExactlyOnePartAndTheCountsAddUp() {
        DatasetSplit s = DatasetSplit.of(10_000, 0.25, 3, 1);
        int[] counted = new int[4];
        for (byte p : s.partOfRow()) {
            assertThat((int) p).isBetween(0, 3);
            counted[p]++;
        }
        assertThat(counted).isEqualTo(s.rowsOfPart());
        assertThat(s.partOfRow()).hasSize(10_000);
    }

    @Test
    void theSplitIsShuffledNotCutInFileOrder() {
        DatasetSplit s = DatasetSplit.of(1000, 0.5, 1, 42);
        long testInFirstHalf = 0;
        for (int i = 0; i < 500; i++) {
            testInFirstHalf += s.partOfRow()[i] == s.test() ? 1 : 0;
        }
        assertThat(testInFirstHalf).isBetween(200L, 300L);
    }

    @Test
    void aMillionRowsSplitWithinAFewMegabytes() {
        DatasetSplit s = DatasetSplit.of(1_000_000, 0.3, 4, 42);
        assertThat(s.rowsOfPart()[4]).isEqualTo(300_000);
        assertThat(s.rowsOfPart()[0]).isEqualTo(175_000);
    }

    @Test
    void moreShardsThanLettersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DatasetSplit.of(100, 0.3, 27, 1));
        assertThat(DatasetSplit.letter(0)).isEqualTo("A");
        assertThat(DatasetSplit.letter(25)).isEqualTo("Z");
    }
}
