package org.mlensemble.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CSV file with a header line, turned into the column-major body of a predict:
 * {@code {"col": [v1, v2, ...], ...}}.
 *
 * <p>RFC 4180, the same dialect the learners read their shards in: comma separated, fields
 * optionally quoted with {@code "}, quotes doubled inside quotes, line breaks allowed inside
 * quotes, CRLF or LF, a UTF-8 byte-order mark ignored, blank lines skipped.
 *
 * <p>Cell values:
 * <ul>
 *   <li>empty or {@code NA} is a missing value, {@code null}: the learners read their training
 *       data with exactly that rule, so a row predicts as the same row would have trained;</li>
 *   <li>an unquoted number becomes a JSON number: integers without a leading zero as integers,
 *       decimals and exponents as doubles. {@code 007} stays text (a code, not a count), and so
 *       does anything non-finite;</li>
 *   <li>everything else, and every quoted non-missing cell, is a string: quoting is how a CSV
 *       says "this is text" (a zip code {@code "02134"}). A numeric column on the server parses
 *       numeric strings anyway, so quoting a number never breaks a prediction.</li>
 * </ul>
 */
final class CsvRows {

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9]\\d{0,17})");
    private static final Pattern DECIMAL = Pattern.compile("-?((0|[1-9]\\d*)(\\.\\d+)?|\\.\\d+)([eE][-+]?\\d+)?");

    private CsvRows() {
    }

    /** One parsed cell: its text and whether it was quoted. */
    private record Cell(String text, boolean quoted) {
    }

    /**
     * @param source the file name, for messages
     * @throws CliError (usage) when the text is not a CSV table with a header
     */
    static Map<String, List<Object>> columns(String text, String source) {
        List<List<Cell>> records = parse(text.startsWith("\uFEFF") ? text.substring(1) : text, source);
        if (records.isEmpty()) {
            throw CliError.usage(source + " is empty: expected a header line and at least one row");
        }
        List<Cell> header = records.get(0);
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (Cell h : header) {
            String name = h.text().strip();
            if (name.isEmpty()) {
                throw CliError.usage(source + " has a blank column name in its header");
            }
            if (columns.put(name, new ArrayList<>()) != null) {
                throw CliError.usage(source + " has the column '" + name + "' twice");
            }
        }
        List<String> names = new ArrayList<>(columns.keySet());
        int row = 0;
        for (List<Cell> record : records.subList(1, records.size())) {
            row++;
            if (record.size() != names.size()) {
                throw CliError.usage(source + " row " + row + ": " + record.size() + " cells, the header has "
                        + names.size());
            }
            for (int c = 0; c < names.size(); c++) {
                columns.get(names.get(c)).add(value(record.get(c)));
            }
        }
        if (records.size() == 1) {
            throw CliError.usage(source + " has a header but no rows");
        }
        return columns;
    }

    private static Object value(Cell cell) {
        String t = cell.text();
        if (t.isEmpty() || t.equals("NA")) {
            return null;
        }
        if (cell.quoted()) {
            return t;
        }
        if (INTEGER.matcher(t).matches()) {
            return Long.parseLong(t);
        }
        if (DECIMAL.matcher(t).matches()) {
            double d = Double.parseDouble(t);
            if (Double.isFinite(d)) {
                return d;
            }
        }
        return t;
    }

    /** The records, blank lines left out. */
    private static List<List<Cell>> parse(String text, String source) {
        List<List<Cell>> records = new ArrayList<>();
        List<Cell> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;      // inside quotes now
        boolean wasQuoted = false;   // this cell started with a quote
        int line = 1;
        int quoteLine = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < n && text.charAt(i) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == ',') {
                record.add(new Cell(cell.toString(), wasQuoted));
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i < n && text.charAt(i) == '\n') {
                    i++;
                }
                endRecord(records, record, cell, wasQuoted);
                record = new ArrayList<>();
                cell.setLength(0);
                wasQuoted = false;
                line++;
            } else if (c == '"' && cell.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                quoteLine = line;
            } else if (wasQuoted) {
                throw CliError.usage(source + " line " + line + ": text after a closing quote; write a quote inside "
                        + "a quoted field as \"\"");
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw CliError.usage(source + " line " + quoteLine + ": unterminated quoted field");
        }
        endRecord(records, record, cell, wasQuoted);
        return records;
    }

    private static void endRecord(List<List<Cell>> records, List<Cell> record, StringBuilder cell, boolean wasQuoted) {
        record.add(new Cell(cell.toString(), wasQuoted));
        boolean blank = record.size() == 1 && record.get(0).text().isEmpty() && !wasQuoted;
        if (!blank) {
            records.add(record);
        }
    }
}
