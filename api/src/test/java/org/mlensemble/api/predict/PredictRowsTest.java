package org.mlensemble.api.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.system.ApiProblem;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.mock.http.MockHttpInputMessage;
import tools.jackson.databind.JsonNode;

/** The predict body read token by token: the same rows, and the same refusals, as from a JSON tree. */
class PredictRowsTest {

    private final JacksonJsonHttpMessageConverter converter = new JacksonJsonHttpMessageConverter();

    private Object read(Class<?> type, String json) {
        MockHttpInputMessage in = new MockHttpInputMessage(json.getBytes(StandardCharsets.UTF_8));
        in.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        try {
            return converter.read(type, in);
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static String outcome(Object body) {
        try {
            PredictRows.Rows rows = PredictRows.read((PredictRows.Body) body, 3);
            return rows.count() + " " + rows.columns();
        } catch (ApiProblem e) {
            return e.status() + " " + e.getMessage();
        }
    }

    @Test
    void readsColumnsValuesAndTypesAsTheTreeDid() {
        PredictRows.Rows rows = PredictRows.read((PredictRows.Body) read(PredictRows.Body.class,
                "{\"a\": [1, 2.5, null], \"b\": [\"x\", true, 99999999999], \"c\": [1e2, -0, 12345678901234567890123],"
                        + " \"a\": [7, 8, 9]}"), 3);
        assertThat(rows.count()).isEqualTo(3);
        assertThat(rows.columns().keySet()).containsExactly("a", "b", "c");
        assertThat(rows.columns().get("a")).containsExactly(7L, 8L, 9L);
        assertThat(rows.columns().get("b")).containsExactly("x", "true", 99999999999L);
        assertThat(rows.columns().get("c")).containsExactly(100.0, 0L, 1.2345678901234568E22);
        Map<String, List<Object>> one = PredictRows.read((PredictRows.Body) read(PredictRows.Body.class,
                "{\"a\": 3, \"b\": null, \"c\": \"s\"}"), 3).columns();
        assertThat(one.get("a")).containsExactly(3L);
        assertThat(one.get("b")).containsExactly((Object) null);
        assertThat(one.get("c")).containsExactly("s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": [1e400]}", "{\"a\": [-1e400]}", "{\"a\": [\"NaN\"]}", "{\"a\": [\"-Infinity\"]}",
        "{\"a\": [{\"b\": 1}]}", "{\"a\": [[1]]}", "{\"a\": {\"b\": 1}}", "{}", "[1, 2]", "\"x\"", "3", "null",
        "{\"a\": []}", "{\"a\": [1, 2], \"b\": [1]}", "{\"a\": [1, 2, 3, 4]}", "{\"a\": [1], \"b\": [{\"c\": 1}, 2]}",
        "{\"a\": [1, 2], \"b\": [{\"c\": 1}]}"})
    void refusesWhatTheTreeRefusedWithTheSameWords(String json) {
        String expected = outcome(read(JsonNode.class, json) instanceof JsonNode node ? tree(node) : null);
        assertThat(outcome(read(PredictRows.Body.class, json))).isEqualTo(expected);
        assertThat(expected).doesNotStartWith("3 {"); // each of these is refused
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": [1", "{\"a\": [1,]}", "{\"a\" [1]}", "{\"a\": [1]} x", "{\"a\": [1]}}", "  ", "{\"a\": [01]}",
        "{\"a\": [NaN]}", "{\"a\": [\"x]}", "{\"a\": [tru]}"})
    void malformedJsonIsTheSameErrorAsWithTheTree(String json) {
        Object tree = read(JsonNode.class, json);
        Object streamed = read(PredictRows.Body.class, json);
        String t = tree instanceof String s ? s : "read: " + tree;
        String b = streamed instanceof String s ? s : "read: " + (streamed == null ? null : outcome(streamed));
        assertThat(b.replace("PredictRows$Body", "JsonNode")).isEqualTo(t.replace("JsonNode", "JsonNode"));
    }

    /** The tree as the reader's raw body: what the former, tree-based read saw. */
    private static PredictRows.Body tree(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            return new PredictRows.Body(null);
        }
        Map<String, Object> columns = new java.util.LinkedHashMap<>();
        node.properties().forEach(e -> columns.put(e.getKey(), e.getValue().isArray()
                ? Arrays.asList(e.getValue().valueStream().map(v -> (Object) v).toArray()) : e.getValue()));
        return new PredictRows.Body(columns);
    }
}
