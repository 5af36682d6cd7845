package org.mlensemble.cli;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.mlensemble.common.table.CsvFormatException;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;

/**
 * A CSV file with a header line, turned into the column-major body of a predict:
 * {@code {"col": [v1, v2, ...], ...}}. The file is read by common's {@link CsvReader}, the reader
 * the learners read their shards with, so a file that predicts here would also train.
 *
 * <p>Cell values:
 * <ul>
 *   <li>empty or {@code NA} is a missing value, {@code null}: the learners read their training
 *       data with exactly that rule ({@link Table#isMissing}), so a row predicts as the same row
 *       would have trained;</li>
 *   <li>an unquoted number becomes a JSON number: integers without a leading zero as integers,
 *       decimals and exponents as doubles. {@code 007} stays text (a code, not a count), and so
 *       does anything non-finite;</li>
 *   <li>everything else, and every quoted non-missing cell, is a string: quoting is how a CSV
 *       says "this is text" (a zip code {@code "02134"}). A numeric column on the server parses
 *       numeric strings anyway, so quoting a number never breaks a prediction.</li>
 * </ul>
 */
final class CsvColumns {

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9]\\d{0,17})");
    private static final Pattern DECIMAL = Pattern.compile("-?((0|[1-9]\\d*)(\\.\\d+)?|\\.\\d+)([eE][-+]?\\d+)?");

    private CsvColumns() {
    }

    /**
     * @param source the file name, for messages
     * @throws CliError (usage) when the text is not a CSV table with a header and rows
     */
    static Map<String, List<Object>> columns(String text, String source) {
        try {
            CsvReader.Records records = CsvReader.records(new StringReader(text), source);
            Map<String, List<Object>> columns = new LinkedHashMap<>();
            List<List<Object>> byIndex = new ArrayList<>();
            for (String name : records.header()) {
                List<Object> column = new ArrayList<>();
                columns.put(name.strip(), column);
                byIndex.add(column);
            }
            String[] row;
            while ((row = records.next()) != null) {
                for (int c = 0; c < row.length; c++) {
                    byIndex.get(c).add(value(row[c], records.quoted(c)));
                }
            }
            if (byIndex.get(0).isEmpty()) {
                throw CliError.usage(source + " has a header but no rows");
            }
            return columns;
        } catch (CsvFormatException e) {
            throw CliError.usage(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    private static Object value(String text, boolean quoted) {
        if (Table.isMissing(text)) {
            return null;
        }
        if (quoted) {
            return text;
        }
        if (INTEGER.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        if (DECIMAL.matcher(text).matches()) {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d)) {
                return d;
            }
        }
        return text;
    }
}
