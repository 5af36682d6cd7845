package org.mlensemble.common.table;

/**
 * Writes records as RFC 4180 CSV, the format {@link CsvReader} reads: a cell is quoted when it
 * holds a comma, a quote, a line break or leading/trailing spaces; quotes are doubled.
 */
public final class CsvWriter {

    private CsvWriter() {
    }

    /** Appends one record and a {@code \n} to {@code out}. */
    public static void appendLine(StringBuilder out, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            appendCell(out, cells[i]);
        }
        out.append('\n');
    }

    /** One record as a line ending in {@code \n}. */
    public static String line(String[] cells) {
        StringBuilder b = new StringBuilder();
        appendLine(b, cells);
        return b.toString();
    }

    private static void appendCell(StringBuilder out, String cell) {
        if (cell == null) {
            return;
        }
        boolean quote = !cell.isEmpty() && (cell.charAt(0) == '"' || cell.charAt(0) == ' '
                || cell.charAt(cell.length() - 1) == ' ');
        for (int i = 0; i < cell.length() && !quote; i++) {
            char c = cell.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            out.append(cell);
            return;
        }
        out.append('"');
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }
}
