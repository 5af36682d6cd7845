package org.mlensemble.api.predict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.api.system.ApiProblem;
import tools.jackson.databind.JsonNode;

/**
 * Reads the seed's predict body, {@code {"col": [v1, v2, ...], ...}}, into column-major rows.
 * A bare value counts as a one-row column. Values are numbers, strings, booleans or null; every
 * number must be finite (JSON parsers read {@code 1e400} as infinity).
 */
final class PredictRows {

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
