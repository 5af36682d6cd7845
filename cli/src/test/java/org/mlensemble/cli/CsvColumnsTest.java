package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvColumnsTest {

    private static List<Object> list(Object... v) {
        return Arrays.asList(v);
    }

    @Test
    void turnsRowsIntoColumnsInHeaderOrder() {
        Map<String, List<Object>> c = CsvColumns.columns("Id,GrLivArea,Neighborhood\n1,1710,CollgCr\n2,1262,Veenker\n",
                "f.csv");

        assertThat(c.keySet()).containsExactly("Id", "GrLivArea", "Neighborhood");
        assertThat(c.get("GrLivArea")).containsExactly(1710L, 1262L);
        assertThat(c.get("Neighborhood")).containsExactly("CollgCr", "Veenker");
    }

    @Test
    void emptyCellsAndNaAreNull() {
        Map<String, List<Object>> c = CsvColumns.columns("a,b,c\n,NA,x\n\"\",\"NA\",NaN\n", "f.csv");

        assertThat(c.get("a")).isEqualTo(list(null, null));
        assertThat(c.get("b")).isEqualTo(list(null, null));
        // only NA means missing, as when the learners read their shards; NaN is a (rejected) word
        assertThat(c.get("c")).isEqualTo(list("x", "NaN"));
    }

    @Test
    void numbersAreNumbersAndEverythingElseIsText() {
        Map<String, List<Object>> c = CsvColumns.columns(
                "v\n42\n-7\n0\n94.0\n-2.5\n.5\n1e3\n007\n1.\n+5\n12abc\nInfinity\n1,5\n".replace("1,5", "\"1,5\""),
                "f.csv");

        assertThat(c.get("v")).containsExactly(42L, -7L, 0L, 94.0, -2.5, 0.5, 1000.0, "007", "1.", "+5", "12abc",
                "Infinity", "1,5");
    }

    @Test
    void quotedCellsAreTextWithCommasQuotesAndLineBreaks() {
        String csv = "name,zip,note\n\"Smith, J.\",\"02134\",\"says \"\"hi\"\"\nand bye\"\nplain,123,x\n";

        Map<String, List<Object>> c = CsvColumns.columns(csv, "f.csv");

        assertThat(c.get("name")).containsExactly("Smith, J.", "plain");
        assertThat(c.get("zip")).containsExactly("02134", 123L);
        assertThat(c.get("note")).containsExactly("says \"hi\"\nand bye", "x");
    }

    @Test
    void crlfBomAndBlankLinesAreFine() {
        Map<String, List<Object>> c = CsvColumns.columns("\uFEFFa,b\r\n1,x\r\n\r\n2,y\r\n\r\n", "f.csv");

        assertThat(c.keySet()).containsExactly("a", "b");
        assertThat(c.get("a")).containsExactly(1L, 2L);
        assertThat(c.get("b")).containsExactly("x", "y");
    }

    @Test
    void aLastLineWithoutNewlineCounts() {
        assertThat(CsvColumns.columns("a\n1\n2", "f.csv").get("a")).containsExactly(1L, 2L);
    }

    @Test
    void malformedFilesAreUsageErrorsThatSayWhere() {
        assertThatThrownBy(() -> CsvColumns.columns("a,b\n1,2\n3\n", "f.csv")).isInstanceOf(CliError.class)
                .hasMessage("f.csv line 3: 1 cells, header has 2")
                .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(Exit.USAGE));
        assertThatThrownBy(() -> CsvColumns.columns("a\n\"open\n", "f.csv")).hasMessageContaining(
                "line 2: unterminated quoted field");
        assertThatThrownBy(() -> CsvColumns.columns("a,a\n1,2\n", "f.csv")).hasMessageContaining("'a' twice");
        assertThatThrownBy(() -> CsvColumns.columns("a,\n1,2\n", "f.csv")).hasMessageContaining("blank column name");
        assertThatThrownBy(() -> CsvColumns.columns("", "f.csv")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> CsvColumns.columns("a,b\n", "f.csv")).hasMessageContaining("no rows");
    }

    @Test
    void readsTheFilesTheGeneratorWrites() {
        // the header and a row as the learners' shards have them: Ids, codes with spaces, NA, decimals
        Map<String, List<Object>> c = CsvColumns.columns(
                "Id,MSZoning,LotFrontage,GarageYrBlt\n1,C (all),NA,2003\n2,RL,65.5,\n", "f.csv");

        assertThat(c.get("MSZoning")).containsExactly("C (all)", "RL");
        assertThat(c.get("LotFrontage")).isEqualTo(list(null, 65.5));
        assertThat(c.get("GarageYrBlt")).isEqualTo(list(2003L, null));
    }

    @Test
    void theResultIsThePredictBodyShape() {
        String body = Json.write(CsvColumns.columns("Id,LotFrontage,Alley\n2601,94.0,NA\n", "f.csv"));

        assertThat(body).isEqualTo("{\"Id\":[2601],\"LotFrontage\":[94.0],\"Alley\":[null]}");
    }
}
