package org.mlensemble.common.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {

    @Test
    void recordsAreReadOneAtATimeWithTheLineTheyStartOn() throws IOException {
        CsvReader.Records r = CsvReader.records(new StringReader("a,b\n1,\"x\ny\"\n\n3,4\n"), "t.csv");
        assertThat(r.header()).containsExactly("a", "b");
        assertThat(r.next()).containsExactly("1", "x\ny");
        assertThat(r.line()).isEqualTo(2);
        assertThat(r.next()).containsExactly("3", "4");
        assertThat(r.line()).isEqualTo(5);
        assertThat(r.next()).isNull();
    }

    @Test
    void eachRecordSaysWhichOfItsCellsWereQuoted() throws IOException {
        CsvReader.Records r = CsvReader.records(new StringReader("a,b,c\n\"02134\",7,\"\"\n1,\"x\",y\n"), "t.csv");

        assertThat(r.next()).containsExactly("02134", "7", "");
        assertThat(List.of(r.quoted(0), r.quoted(1), r.quoted(2))).containsExactly(true, false, true);
        assertThat(r.next()).containsExactly("1", "x", "y");
        assertThat(List.of(r.quoted(0), r.quoted(1), r.quoted(2))).containsExactly(false, true, false);
    }

    @Test
    void aRaggedRecordNamesItsLine() throws IOException {
        CsvReader.Records r = CsvReader.records(new StringReader("a,b\n1,2\n3\n"), "t.csv");
        r.next();
        CsvFormatException e = assertThrows(CsvFormatException.class, r::next);
        assertThat(e.getMessage()).isEqualTo("t.csv line 3: 1 cells, header has 2");
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBack() throws IOException {
        String[][] rows = {{"plain", "with,comma", "with \"quote\"", "two\nlines", " padded ", ""}};
        StringBuilder out = new StringBuilder();
        CsvWriter.appendLine(out, new String[] {"a", "b", "c", "d", "e", "f"});
        for (String[] row : rows) {
            CsvWriter.appendLine(out, row);
        }
        CsvReader.Records r = CsvReader.records(new StringReader(out.toString()), "t.csv");
        List<String[]> back = new ArrayList<>();
        String[] row;
        while ((row = r.next()) != null) {
            back.add(row);
        }
        assertThat(back).hasSize(1);
        assertThat(back.get(0)).containsExactly(rows[0]);
        assertThat(CsvWriter.line(new String[] {"1", "2"})).isEqualTo("1,2\n");
    }
}
