package org.mlensemble.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Distinct rows of the labelled test set, as predict bodies ({@code {"col": [v, ...], ...}}). The
 * project's CSVs never quote fields (docs/dataset.md), so a split on commas reads them.
 */
final class Rows {

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,15}");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+([eE][-+]?\\d+)?");

    private final List<String> columns;
    private final List<String[]> rows;

    private Rows(List<String> columns, List<String[]> rows) {
        this.columns = columns;
        this.rows = rows;
    }

    /** The first {@code count} rows of {@code data/<dataset>/test/data.csv}, without the target column. */
    static Rows testRows(Path repo, int count) {
        try (var lines = Files.lines(repo.resolve("data/house_pricing/test/data.csv"))) {
            List<String> all = lines.limit(count + 1L).toList();
            List<String> header = List.of(all.get(0).split(",", -1));
            List<String[]> rows = new ArrayList<>();
            for (String line : all.subList(1, all.size())) {
                rows.add(line.split(",", -1));
            }
            return new Rows(header, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return rows.size();
    }

    /** Row {@code i} alone. */
    String one(int i) {
        return body(List.<String[]>of(rows.get(i)));
    }

    /** Every row, in order, in one request. */
    String all() {
        return body(rows);
    }

    private String body(List<String[]> selected) {
        ObjectNode body = Json.object();
        for (int c = 0; c < columns.size(); c++) {
            String name = columns.get(c);
            if (name.equals("SalePrice")) {
                continue;
            }
            ArrayNode values = body.putArray(name);
            for (String[] row : selected) {
                String v = c < row.length ? row[c] : "";
                if (v.isEmpty() || v.equals("NA")) {
                    values.addNull();
                } else if (INTEGER.matcher(v).matches()) {
                    values.add(Long.parseLong(v));
                } else if (DECIMAL.matcher(v).matches()) {
                    values.add(Double.parseDouble(v));
                } else {
                    values.add(v);
                }
            }
        }
        return Json.write(body);
    }
}
