package org.mlensemble.api.predict;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.common.table.Columns;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the seed's predict body, {@code {"col": [v1, v2, ...], ...}}, into column-major rows.
 * A bare value counts as a one-row column. Values are numbers, strings, booleans or null; every
 * number must be finite (JSON parsers read {@code 1e400} as infinity).
 * <p>
 * {@link #read(InputStream, int)} streams the body straight into primitive columns (a column of
 * numbers as doubles, any other as a dictionary of its texts and a code per row, as a CSV body is
 * read): no tree of the document and no boxed cell, which for a 10,000-row body were ~40 MB of
 * short-lived objects per request. The columns mean to a learner exactly what the boxed ones of
 * {@link #read(JsonNode, int)} do: the predict job's binary body is the same bytes.
 */
final class PredictRows {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Rows(Map<String, List<Object>> columns, int count) {
    }

    private PredictRows() {
    }

    static Rows read(JsonNode body, int maxRows) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw ApiProblem.badRequest("the body is empty: send the rows as {\"column\": [value, ...], ...}");
        }
        if (!body.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object of columns: {\"column\": [value, ...], ...}");
        }
        if (body.isEmpty()) {
            throw ApiProblem.badRequest("the body has no columns");
        }
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        int rows = -1;
        String first = null;
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            int n = v.isArray() ? v.size() : 1;
            if (rows < 0) {
                rows = n;
                first = name;
                if (rows == 0) {
                    throw ApiProblem.badRequest("column '" + name + "' has no values");
                }
                if (rows > maxRows) {
                    throw ApiProblem.tooLarge(rows + " rows in one request; the limit is " + maxRows
                            + ". Split the rows into several requests.");
                }
            } else if (n != rows) {
                throw ApiProblem.badRequest("column '" + name + "' has " + n + " values but '" + first + "' has "
                        + rows + "; every column needs one value per row");
            }
            List<Object> values = new ArrayList<>(n);
            if (v.isArray()) {
                for (int i = 0; i < n; i++) {
                    values.add(scalar(name, v.get(i)));
                }
            } else {
                values.add(scalar(name, v));
            }
            columns.put(name, values);
        }
        return new Rows(columns, rows);
    }

    /**
     * Streams the body into columns; see the class comment.
     *
     * @throws JacksonException for a body that is not valid JSON (the caller answers it as such)
     */
    static Rows read(InputStream body, int maxRows) {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw ApiProblem.badRequest("the body is empty: send the rows as {\"column\": [value, ...], ...}");
            }
            if (t != JsonToken.START_OBJECT) {
                if (t == JsonToken.VALUE_NULL) {
                    throw ApiProblem.badRequest("the body is empty: send the rows as {\"column\": [value, ...], ...}");
                }
                throw ApiProblem.badRequest("the body must be a JSON object of columns: {\"column\": [value, ...], ...}");
            }
            Map<String, List<Object>> columns = new LinkedHashMap<>();
            int rows = -1;
            String first = null;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                ColumnReader column = new ColumnReader(name, rows < 0 ? 16 : rows);
                if (p.nextToken() == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        column.add(p);
                        if (rows < 0 && column.size() > maxRows) {
                            throw ApiProblem.tooLarge("more than " + maxRows + " rows in one request; the limit is "
                                    + maxRows + ". Split the rows into several requests.");
                        }
                    }
                } else {
                    column.add(p);
                }
                int n = column.size();
                if (rows < 0) {
                    rows = n;
                    first = name;
                    if (rows == 0) {
                        throw ApiProblem.badRequest("column '" + name + "' has no values");
                    }
                } else if (n != rows) {
                    throw ApiProblem.badRequest("column '" + name + "' has " + n + " values but '" + first + "' has "
                            + rows + "; every column needs one value per row");
                }
                columns.put(name, column.column());
            }
            if (t != JsonToken.END_OBJECT) {
                throw ApiProblem.badRequest("the body must be a JSON object of columns: {\"column\": [value, ...], ...}");
            }
            if (p.nextToken() != null) {
                throw ApiProblem.badRequest("the body has more after its object of columns");
            }
            if (columns.isEmpty()) {
                throw ApiProblem.badRequest("the body has no columns");
            }
            return new Rows(columns, rows);
        }
    }

    /**
     * One column's values as they stream in: doubles (NaN for null) while every value is a number,
     * then, from the first text, a dictionary of texts and a code per row; a number in such a column
     * is the text a learner makes of it, as the predict job's codec writes a boxed one.
     */
    private static final class ColumnReader {
        private final String name;
        private double[] numbers;
        private int[] codes;
        private Map<String, Integer> dictionary;
        private int n;

        ColumnReader(String name, int capacity) {
            this.name = name;
            this.numbers = new double[Math.max(1, capacity)];
        }

        int size() {
            return n;
        }

        void add(JsonParser p) {
            JsonToken t = p.currentToken();
            switch (t) {
                case VALUE_NULL -> {
                    if (codes == null) {
                        number(Double.NaN);
                    } else {
                        code(-1);
                    }
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    double d = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            ? (double) p.getLongValue() : p.getDoubleValue();
                    if (!Double.isFinite(d)) {
                        throw ApiProblem.badRequest("column '" + name + "' has a number out of range: " + p.getString());
                    }
                    if (codes == null) {
                        number(d);
                    } else {
                        text(canonical(d));
                    }
                }
                case VALUE_STRING -> {
                    String s = p.getString();
                    if (s.equalsIgnoreCase("nan") || s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("-infinity")) {
                        throw ApiProblem.badRequest("column '" + name + "' has a non-finite value: " + s);
                    }
                    text(s);
                }
                case VALUE_TRUE, VALUE_FALSE -> text(Boolean.toString(t == JsonToken.VALUE_TRUE));
                default -> throw ApiProblem.badRequest("column '" + name
                        + "' has a nested value; values must be numbers, strings or null");
            }
        }

        private void number(double d) {
            if (n == numbers.length) {
                numbers = Arrays.copyOf(numbers, n * 2);
            }
            numbers[n++] = d;
        }

        private void text(String s) {
            if (codes == null) {
                // the first text: the numbers before become codes of their text, in row order
                dictionary = new HashMap<>();
                codes = new int[numbers.length];
                for (int i = 0; i < n; i++) {
                    codes[i] = Double.isNaN(numbers[i]) ? -1
                            : dictionary.computeIfAbsent(canonical(numbers[i]), k -> dictionary.size());
                }
                numbers = null;
            }
            Integer c = dictionary.get(s);
            if (c == null) {
                c = dictionary.size();
                dictionary.put(s, c);
            }
            code(c);
        }

        private void code(int c) {
            if (n == codes.length) {
                codes = Arrays.copyOf(codes, n * 2);
            }
            codes[n++] = c;
        }

        List<Object> column() {
            if (codes == null) {
                return new Columns.Doubles(numbers.length == n ? numbers : Arrays.copyOf(numbers, n));
            }
            String[] dict = new String[dictionary.size()];
            dictionary.forEach((k, v) -> dict[v] = k);
            return new Columns.Coded(dict, codes.length == n ? codes : Arrays.copyOf(codes, n));
        }

        /** How a learner writes a number as text (FeatureEncoding's rule). */
        private static String canonical(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    private static Object scalar(String column, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (!Double.isFinite(d)) {
                throw ApiProblem.badRequest("column '" + column + "' has a number out of range: " + v);
            }
            return v.canConvertToLong() && v.isIntegralNumber() ? (Object) v.longValue() : (Object) d;
        }
        if (v.isString()) {
            String s = v.stringValue();
            if (s.equalsIgnoreCase("nan") || s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("-infinity")) {
                throw ApiProblem.badRequest("column '" + column + "' has a non-finite value: " + s);
            }
            return s;
        }
        if (v.isBoolean()) {
            return Boolean.toString(v.booleanValue());
        }
        throw ApiProblem.badRequest("column '" + column + "' has a nested value; values must be numbers, strings or null");
    }
}
