package org.mlensemble.api.predict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.api.system.ApiProblem;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * Reads the seed's predict body, {@code {"col": [v1, v2, ...], ...}}, into column-major rows.
 * A bare value counts as a one-row column. Values are numbers, strings, booleans or null; every
 * number must be finite (JSON parsers read {@code 1e400} as infinity).
 * <p>
 * The body is read token by token into its columns ({@link Body}), without a JSON tree: for the
 * one-row predict the tree (an object, a list and a value node per column) cost more than the
 * parse itself. The checks run once the whole body is read, in the tree's order, so a body that is
 * not valid JSON is a "Malformed JSON" whatever else is wrong with it.
 */
final class PredictRows {

    record Rows(Map<String, List<Object>> columns, int count) {
    }

    /**
     * The body as read, not yet checked: per column in the body's order (a repeated name keeps its
     * first place and its last value), a {@code List} for a JSON array, else the one value. A value
     * is null, a {@code Long}, a finite {@code Double}, a {@code String} or a {@code Boolean}; any
     * other (a nested object or array, an integer beyond 64 bits, a number out of range) is kept as
     * the {@link JsonNode} the tree held, so that it is refused with the same words. {@code columns}
     * is null when the body is JSON but no object.
     */
    @JsonDeserialize(using = BodyReader.class)
    record Body(Map<String, Object> columns) {
    }

    /** Reads a {@link Body}; for a JSON {@code null} Jackson gives null without calling it. */
    static final class BodyReader extends ValueDeserializer<Body> {

        @Override
        public Body deserialize(JsonParser p, DeserializationContext ctxt) {
            if (!p.isExpectedStartObjectToken()) {
                ctxt.readTree(p); // the whole value, so that a syntax error in it is reported as one
                return new Body(null);
            }
            boolean exactNumbers = ctxt.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    || ctxt.isEnabled(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
            Map<String, Object> columns = new LinkedHashMap<>();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY) {
                    List<Object> values = new ArrayList<>(1);
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        values.add(value(p, t, ctxt, exactNumbers));
                    }
                    columns.put(name, values);
                } else {
                    columns.put(name, value(p, t, ctxt, exactNumbers));
                }
            }
            return new Body(columns);
        }

        private static Object value(JsonParser p, JsonToken t, DeserializationContext ctxt, boolean exactNumbers) {
            switch (t) {
                case VALUE_NULL:
                    return null;
                case VALUE_STRING:
                    return p.getString();
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NUMBER_INT:
                    if (!exactNumbers && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        return p.getLongValue();
                    }
                    break;
                case VALUE_NUMBER_FLOAT:
                    if (!exactNumbers) {
                        double d = p.getDoubleValue();
                        if (Double.isFinite(d)) {
                            return d;
                        }
                    }
                    break;
                default:
                    break;
            }
            return ctxt.readTree(p);
        }
    }

    private PredictRows() {
    }

    static Rows read(Body body, int maxRows) {
        if (body == null) {
            throw ApiProblem.badRequest("the body is empty: send the rows as {\"column\": [value, ...], ...}");
        }
        if (body.columns() == null) {
            throw ApiProblem.badRequest("the body must be a JSON object of columns: {\"column\": [value, ...], ...}");
        }
        if (body.columns().isEmpty()) {
            throw ApiProblem.badRequest("the body has no columns");
        }
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        int rows = -1;
        String first = null;
        for (Map.Entry<String, Object> e : body.columns().entrySet()) {
            String name = e.getKey();
            Object v = e.getValue();
            int n = v instanceof List<?> list ? list.size() : 1;
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
            if (v instanceof List<?> list) {
                for (Object item : list) {
                    values.add(scalar(name, item));
                }
            } else {
                values.add(scalar(name, v));
            }
            columns.put(name, values);
        }
        return new Rows(columns, rows);
    }

    private static Object scalar(String column, Object v) {
        if (v == null || v instanceof Long || v instanceof Double) {
            return v; // a Double read here is finite
        }
        if (v instanceof String s) {
            if (s.equalsIgnoreCase("nan") || s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("-infinity")) {
                throw ApiProblem.badRequest("column '" + column + "' has a non-finite value: " + s);
            }
            return s;
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        return scalar(column, (JsonNode) v);
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
