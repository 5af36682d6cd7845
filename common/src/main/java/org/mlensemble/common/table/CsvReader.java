package org.mlensemble.common.table;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 4180 CSV: comma separated, fields optionally quoted with {@code "}, quotes doubled inside
 * quoted fields, line breaks allowed inside quotes. Rows must have as many cells as the header.
 * Repeated cell text of a column shares one String (see {@link CellPool}).
 */
public final class CsvReader {

    private CsvReader() {
    }

    public static Table read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new CsvFormatException("file not found: " + file);
        }
    }

    public static Table read(Reader in, String source) throws IOException {
        Parser p = new Parser(in instanceof BufferedReader b ? b : new BufferedReader(in), source);
        List<String> header = p.next();
        if (header == null || header.isEmpty() || header.size() == 1 && header.get(0).isEmpty()) {
            throw new CsvFormatException(source + " is empty: expected a header line");
        }
        checkHeader(header, source);
        p.poolColumns(header.size());
        List<String[]> rows = new ArrayList<>();
        List<String> row;
        while ((row = p.next()) != null) {
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue; // blank line
            }
            if (row.size() != header.size()) {
                throw new CsvFormatException(source + " line " + p.line + ": " + row.size() + " cells, header has "
                        + header.size());
            }
            rows.add(row.toArray(String[]::new));
        }
        return new Table(header, rows);
    }

    private static void checkHeader(List<String> header, String source) {
        Set<String> seen = new HashSet<>();
        for (String h : header) {
            if (h.isBlank()) {
                throw new CsvFormatException(source + " has a blank column name in its header");
            }
            if (!seen.add(h)) {
                throw new CsvFormatException(source + " has the column '" + h + "' twice");
            }
        }
    }

    /**
     * Reads records one at a time, for files too large to hold: the header is checked as
     * {@link #read(Reader, String)} checks it, every record must have the header's cell count, and
     * blank lines are skipped. Cells are not pooled.
     */
    public static Records records(Reader in, String source) throws IOException {
        Parser p = new Parser(in instanceof BufferedReader b ? b : new BufferedReader(in), source);
        List<String> header = p.next();
        if (header == null || header.isEmpty() || header.size() == 1 && header.get(0).isEmpty()) {
            throw new CsvFormatException(source + " is empty: expected a header line");
        }
        checkHeader(header, source);
        return new Records(p, List.copyOf(header), source);
    }

    /** A CSV file read record by record; see {@link #records(Reader, String)}. */
    public static final class Records {
        private final Parser parser;
        private final List<String> header;
        private final String source;
        private int recordLine;

        private Records(Parser parser, List<String> header, String source) {
            this.parser = parser;
            this.header = header;
            this.source = source;
            this.recordLine = 1;
        }

        public List<String> header() {
            return header;
        }

        /** The next record, or null at the end of the input. */
        public String[] next() throws IOException {
            while (true) {
                int start = parser.line + 1;
                List<String> row = parser.next();
                if (row == null) {
                    return null;
                }
                if (row.size() == 1 && row.get(0).isEmpty()) {
                    continue;
                }
                recordLine = start;
                if (row.size() != header.size()) {
                    throw new CsvFormatException(source + " line " + start + ": " + row.size()
                            + " cells, header has " + header.size());
                }
                return row.toArray(String[]::new);
            }
        }

        /**
         * Whether cell {@code column} of the last record returned by {@link #next()} was quoted: a reader
         * that types cells may take a quoted {@code "02134"} as the text the writer meant.
         */
        public boolean quoted(int column) {
            return parser.quoted.get(column);
        }

        /** The line the last record returned by {@link #next()} starts on (the header is line 1). */
        public int line() {
            return recordLine;
        }
    }

    private static final class Parser {
        private final BufferedReader in;
        private final String source;
        private final StringBuilder cell = new StringBuilder();
        private CellPool[] pools = new CellPool[0];
        /** The cells of the last record that were quoted. */
        final BitSet quoted = new BitSet();
        int line;
        /** Cells of the last record: the next one is sized for as many (a list grown cell by cell was copied ~6 times per row). */
        private int lastWidth = 10;

        Parser(BufferedReader in, String source) {
            this.in = in;
            this.source = source;
        }

        void poolColumns(int columns) {
            pools = new CellPool[columns];
            for (int c = 0; c < columns; c++) {
                pools[c] = new CellPool();
            }
        }

        /** Next record, or null at end of input. */
        List<String> next() throws IOException {
            String text = in.readLine();
            if (text == null) {
                return null;
            }
            if (line == 0 && text.startsWith("\uFEFF")) {
                text = text.substring(1); // a byte-order mark, before any quote of the first header
            }
            line++;
            int startLine = line;
            List<String> out = new ArrayList<>(lastWidth);
            cell.setLength(0);
            this.quoted.clear();
            boolean quoted = false;
            boolean wasQuoted = false;
            int i = 0;
            while (true) {
                if (i >= text.length()) {
                    if (quoted) {
                        String more = in.readLine();
                        if (more == null) {
                            throw new CsvFormatException(source + " line " + startLine + ": unterminated quoted field");
                        }
                        line++;
                        cell.append('\n');
                        text = more;
                        i = 0;
                        continue;
                    }
                    out.add(take(out.size()));
                    lastWidth = Math.max(lastWidth, out.size());
                    return out;
                }
                char c = text.charAt(i++);
                if (quoted) {
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        cell.append(c);
                    }
                } else if (c == ',') {
                    out.add(take(out.size()));
                    cell.setLength(0);
                    wasQuoted = false;
                } else if (c == '"' && cell.length() == 0 && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                    this.quoted.set(out.size());
                } else if (c == '\r' && i == text.length()) {
                    // tolerate CRLF files read line by line
                } else {
                    cell.append(c);
                }
            }
        }

        private String take(int column) {
            return column < pools.length ? pools[column].take(cell) : cell.toString();
        }
    }
}
