package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsAndRightAlignsNumbers() {
        Table t = new Table("LEARNER", "SHARD", "STATUS", "ROWS", "TRAIN MS", "REASON")
                .row("learner-1", "A", "trained", 500, 891L, null)
                .row("learner-10", "B", "failed", null, null, "out of memory");

        assertThat(t.render()).isEqualTo("""
                LEARNER     SHARD  STATUS   ROWS  TRAIN MS  REASON
                learner-1   A      trained   500       891  -
                learner-10  B      failed      -         -  out of memory
                """);
    }

    @Test
    void noTrailingBlanksAndMissingCellsAreEmpty() {
        String out = new Table("A", "B", "C").row("x").row("longer", "y", "").render();

        assertThat(out.lines()).allSatisfy(l -> assertThat(l).doesNotEndWith(" "));
        assertThat(out).isEqualTo("""
                A       B  C
                x
                longer  y
                """);
    }

    @Test
    void doublesAreShortAndPercentagesAndDurationsCountAsNumbers() {
        String out = new Table("WHAT", "VALUE", "PCT", "TIME").row("rmse", 25123.456, "5%", "12 ms")
                .row("r2", 0.87654321, "100%", "3 ms").row("whole", 3.0, "40%", "1200 ms").render();

        assertThat(out).isEqualTo("""
                WHAT      VALUE   PCT     TIME
                rmse   25123.46    5%    12 ms
                r2       0.8765  100%     3 ms
                whole         3   40%  1200 ms
                """);
    }

    @Test
    void aHeaderAloneIsRendered() {
        assertThat(new Table("A", "BB").render()).isEqualTo("A  BB\n");
        assertThat(new Table("A").isEmpty()).isTrue();
    }

    @Test
    void lineBreaksInCellsDoNotBreakTheTable() {
        assertThat(new Table("A", "B").row("x\ny", "z").render()).isEqualTo("A    B\nx y  z\n");
    }

    @Test
    void pairsAlignValuesAndSkipNulls() {
        assertThat(Table.pairs("model", "m-1", "missing", null, "members", "4 of 4")).isEqualTo("""
                model    m-1
                members  4 of 4
                """);
    }
}
