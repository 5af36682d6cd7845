package org.mlensemble.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A plain-text table: a header in capitals, columns separated by two spaces, numeric columns
 * right-aligned so that magnitudes line up, no trailing blanks (diff- and grep-friendly).
 * {@code null} cells show as {@code -}.
 */
final class Table {

    private static final Pattern NUMERIC = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?( ?%| ms| s)?");
    private static final String GAP = "  ";
    static final String NONE = "-";

    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
    }

    /** Adds a row; missing trailing cells are empty, numbers are formatted without grouping. */
    Table row(Object... cells) {
        if (cells.length > headers.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        String[] r = new String[headers.length];
        for (int i = 0; i < headers.length; i++) {
            r[i] = i < cells.length ? cell(cells[i]) : "";
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    static String cell(Object v) {
        if (v == null) {
            return NONE;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.2f" : "%.4f", d);
        }
        return String.valueOf(v).replace('\n', ' ').replace('\r', ' ');
    }

    String render() {
        int n = headers.length;
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        for (int c = 0; c < n; c++) {
            width[c] = headers[c].length();
            boolean numeric = true;
            boolean any = false;
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
                if (!r[c].isEmpty() && !r[c].equals(NONE)) {
                    any = true;
                    numeric &= NUMERIC.matcher(r[c]).matches();
                }
            }
            right[c] = any && numeric;
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width, right);
        for (String[] r : rows) {
            line(sb, r, width, right);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean[] right) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                l.append(GAP);
            }
            String v = cells[c];
            int pad = width[c] - v.length();
            if (right[c]) {
                l.append(" ".repeat(pad)).append(v);
            } else {
                l.append(v).append(" ".repeat(pad));
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    /**
     * "key  value" lines with the values aligned: the summary above a table. Pairs whose value is
     * null are left out, so callers can pass optional facts without ifs.
     */
    static String pairs(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("pairs need an even number of arguments");
        }
        int width = 0;
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                width = Math.max(width, String.valueOf(keysAndValues[i]).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                continue;
            }
            String key = String.valueOf(keysAndValues[i]);
            sb.append((key + " ".repeat(width - key.length() + GAP.length()) + cell(keysAndValues[i + 1]))
                    .stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
