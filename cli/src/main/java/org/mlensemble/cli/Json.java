package org.mlensemble.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON mapper and the few lenient readers the renderers need. Answers are read as trees,
 * not bound to classes: the CLI shows what the server sent and must not break when the server
 * adds a field.
 */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private Json() {
    }

    /** Parses an answer; an unreadable one is a failure of the server (or of what answered), exit 1. */
    static JsonNode parse(String body, String what) {
        try {
            return MAPPER.readTree(body == null || body.isBlank() ? "null" : body);
        } catch (JacksonException e) {
            String start = body.length() > 200 ? body.substring(0, 200) + "..." : body;
            throw new CliError(Exit.FAILURE, what + " is not JSON: " + start.strip());
        }
    }

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    static String pretty(JsonNode node) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    /** The field as text, or null when absent or null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        return v.isValueNode() ? v.asString("") : v.toString();
    }

    /** An array element as text, or null. */
    static String text(JsonNode array, int index) {
        JsonNode v = array == null ? null : array.get(index);
        return v == null || v.isNull() ? null : v.asString("");
    }

    /** A number, or a point in time (the api writes ISO-8601 UTC) as epoch millis. */
    static long longValue(JsonNode node, String field, long dflt) {
        JsonNode v = node == null ? null : node.get(field);
        if (v != null && v.isString()) {
            try {
                return java.time.Instant.parse(v.asString()).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                return dflt;
            }
        }
        return v != null && v.isNumber() ? v.asLong(dflt) : dflt;
    }

    /** A number for a table cell: kept as a Number so that {@link Table} right-aligns it; null stays null. */
    static Object number(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isNumber()) {
            return v == null || v.isNull() ? null : v.asString("");
        }
        return v.isIntegralNumber() ? (Object) v.asLong(0) : (Object) v.asDouble(0);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode v : array) {
                out.add(v.asString(""));
            }
        }
        return out;
    }

    /** {@code {"trees":25,"maxDepth":64}} as {@code trees=25 maxDepth=64}: short enough for a table. */
    static String params(JsonNode params) {
        if (params == null || !params.isObject() || params.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : params.properties()) {
            JsonNode v = e.getValue();
            parts.add(e.getKey() + "=" + (v.isValueNode() ? v.asString("") : v.toString()));
        }
        return String.join(" ", parts);
    }

    /** {@code "members": {"used","expected","missing"}} as "3 of 4 (missing D)": members are shards. */
    static String members(JsonNode members) {
        if (members == null || !members.isObject()) {
            return "-";
        }
        String s = members.path("used").asLong(0) + " of " + members.path("expected").asLong(0);
        List<String> missing = strings(members.get("missing"));
        return missing.isEmpty() ? s : s + " (missing " + String.join(", ", missing) + ")";
    }

    /** True when the answer came from fewer members than the ensemble has. */
    static boolean degraded(JsonNode members) {
        if (members == null || !members.isObject()) {
            return false;
        }
        return !strings(members.get("missing")).isEmpty()
                || members.path("used").asLong(0) < members.path("expected").asLong(0);
    }

    static String time(long epochMillis) {
        return epochMillis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A metric for humans: 4 decimals below 100 (r2, rmsle), 2 above (rmse in dollars). */
    static String metric(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isNumber()) {
            return v == null || v.isNull() ? null : v.asString("");
        }
        double d = v.asDouble(0);
        return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.2f" : "%.4f", d);
    }
}
