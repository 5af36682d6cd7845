package org.mlensemble.common.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsHeaderAndRows() throws IOException {
        Table t = read("a,b,c\n1,2,3\n4,5,6\n");

        assertThat(t.header()).containsExactly("a", "b", "c");
        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(1)).containsExactly("4", "5", "6");
        assertThat(t.columnIndex("c")).isEqualTo(2);
        assertThat(t.columnIndex("z")).isEqualTo(-1);
    }

    @Test
    void quotedFieldKeepsItsCommas() throws IOException {
        Table t = read("name,n\n\"Smith, John\",2\n");

        assertThat(t.rows().get(0)).containsExactly("Smith, John", "2");
    }

    @Test
    void doubledQuotesInsideQuotesAreOneQuote() throws IOException {
        Table t = read("q,n\n\"say \"\"hi\"\"\",1\n\"\"\"\",2\n");

        assertThat(t.rows().get(0)).containsExactly("say \"hi\"", "1");
        assertThat(t.rows().get(1)).containsExactly("\"", "2");
    }

    @Test
    void newlineInsideQuotesStaysInTheCell() throws IOException {
        Table t = read("text,n\n\"line one\nline two\",3\nplain,4\n");

        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(0)).containsExactly("line one\nline two", "3");
        assertThat(t.rows().get(1)).containsExactly("plain", "4");
    }

    @Test
    void crlfLineEndsLeaveNoCarriageReturn() throws IOException {
        Table t = read("a,b\r\n1,2\r\n\"x\",y\r\n");

        assertThat(t.header()).containsExactly("a", "b");
        assertThat(t.rows().get(0)).containsExactly("1", "2");
        assertThat(t.rows().get(1)).containsExactly("x", "y");
    }

    @Test
    void byteOrderMarkIsStrippedFromTheHeader() throws IOException {
        Table t = read("\uFEFFId,b\n1,2\n");

        assertThat(t.header()).containsExactly("Id", "b");
        assertThat(t.columnIndex("Id")).isZero();
    }

    @Test
    void byteOrderMarkIsStrippedWhenReadFromAFile() throws IOException {
        Path file = dir.resolve("data.csv");
        Files.write(file, "\uFEFFId,b\n1,2\n".getBytes(StandardCharsets.UTF_8));

        assertThat(CsvReader.read(file).header()).containsExactly("Id", "b");
    }

    @Test
    void blankLinesAreSkipped() throws IOException {
        Table t = read("a,b\n\n1,2\n\n\n3,4\n\n");

        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(1)).containsExactly("3", "4");
    }

    @Test
    void emptyCellsAreKept() throws IOException {
        Table t = read("a,b,c\n,,\n1,,3\n");

        assertThat(t.rows().get(0)).containsExactly("", "", "");
        assertThat(t.rows().get(1)).containsExactly("1", "", "3");
    }

    @Test
    void raggedRowIsRefusedWithItsLineNumber() {
        CsvFormatException e = assertThrows(CsvFormatException.class,
            () -> read("a,b\n1,2\n\n\"multi\nline\",2\n3\n"));

        assertThat(e).hasMessageContaining("shard.csv").hasMessageContaining("line 6")
            .hasMessageContaining("1 cells, header has 2");
    }

    @Test
    void rowWithTooManyCellsIsRefused() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> read("a,b\n1,2,3\n"));

        assertThat(e).hasMessageContaining("line 2");
    }

    @Test
    void unterminatedQuoteIsRefusedWithTheLineItStarts() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> read("a,b\n1,2\n\"open,3\nmore\n"));

        assertThat(e).hasMessageContaining("line 3").hasMessageContaining("unterminated");
    }

    @Test
    void emptyFileIsRefused() {
        assertThat(assertThrows(CsvFormatException.class, () -> read(""))).hasMessageContaining("empty");
        assertThat(assertThrows(CsvFormatException.class, () -> read("\n1,2\n"))).hasMessageContaining("empty");
    }

    @Test
    void duplicateHeaderIsRefused() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> read("a,b,a\n1,2,3\n"));

        assertThat(e).hasMessageContaining("'a'");
    }

    @Test
    void blankColumnNameIsRefused() {
        assertThrows(CsvFormatException.class, () -> read("a,,c\n1,2,3\n"));
    }

    @Test
    void missingFileIsReportedAsFormatError() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvReader.read(dir.resolve("nope.csv")));

        assertThat(e).hasMessageContaining("not found");
    }

    @Test
    void repeatedTextOfAColumnIsOneSharedString() throws IOException {
        Table t = read("zone,n\nRL,1\nRM,1\n\"RL\",1\nRL,NA\n");

        String[] first = t.rows().get(0);
        assertThat(t.rows()).extracting(r -> r[0]).containsExactly("RL", "RM", "RL", "RL");
        assertThat(t.rows().get(2)[0]).isSameAs(first[0]);
        assertThat(t.rows().get(3)[0]).isSameAs(first[0]);
        assertThat(t.rows().get(1)[1]).isSameAs(first[1]);
    }

    @Test
    void aColumnWithUpTo4096DistinctValuesStaysPooled() throws IOException {
        Table t = read(distinctThenRepeat(CellPool.MAX_DISTINCT));

        String[] last = t.rows().get(t.rows().size() - 1);
        assertThat(last).containsExactly("v0", "k");
        assertThat(last[0]).isSameAs(t.rows().get(0)[0]);
    }

    @Test
    void poolingStopsBeyond4096DistinctValuesWithoutChangingAnyValue() throws IOException {
        int distinct = CellPool.MAX_DISTINCT + 1;
        Table t = read(distinctThenRepeat(distinct));

        assertThat(t.rows()).hasSize(distinct + 1);
        for (int i = 0; i < distinct; i++) {
            assertThat(t.rows().get(i)).containsExactly("v" + i, "k");
        }
        String[] last = t.rows().get(distinct);
        assertThat(last).containsExactly("v0", "k");
        assertThat(last[0]).isNotSameAs(t.rows().get(0)[0]);
        assertThat(last[1]).isSameAs(t.rows().get(0)[1]);
    }

    @Test
    void naAndEmptyAreMissing() {
        assertThat(Table.isMissing("NA")).isTrue();
        assertThat(Table.isMissing("")).isTrue();
        assertThat(Table.isMissing(null)).isTrue();
        assertThat(Table.isMissing("na")).isFalse();
        assertThat(Table.isMissing("0")).isFalse();
        assertThat(Table.isMissing("NAmes")).isFalse();
    }

    @Test
    void headerIsImmutable() throws IOException {
        Table t = read("a\n1\n");

        assertThrows(UnsupportedOperationException.class, () -> t.header().add("b"));
        assertThat(t.indexByName()).isEqualTo(Map.of("a", 0));
    }

    /** Column id holds {@code distinct} different values then the first again; column k is constant. */
    private static String distinctThenRepeat(int distinct) {
        StringBuilder csv = new StringBuilder("id,k\n");
        for (int i = 0; i < distinct; i++) {
            csv.append('v').append(i).append(",k\n");
        }
        return csv.append("v0,k\n").toString();
    }

    private static Table read(String text) throws IOException {
        return CsvReader.read(new StringReader(text), "shard.csv");
    }
}
