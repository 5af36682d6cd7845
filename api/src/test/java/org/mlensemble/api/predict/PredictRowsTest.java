package org.mlensemble.api.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.PredictJobCodec;
import org.mlensemble.common.table.Columns;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class PredictRowsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static PredictRows.Rows streamed(String body, int maxRows) {
        return PredictRows.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), maxRows);
    }

    private static byte[] job(PredictRows.Rows rows) {
        return PredictJobCodec.encode(new PredictJob("m", rows.columns(), rows.count()));
    }

    @Test
    void aStreamedBodyMakesTheSameJobAsItsTree() {
        String[] bodies = {
            "{\"LotArea\": [8450, null, 9600.5, -3], \"Neighborhood\": [\"CollgCr\", null, \"Veenker\", \"CollgCr\"],"
                    + " \"Mixed\": [1, 2.5, \"x\", null], \"Flag\": [true, false, null, true],"
                    + " \"Big\": [1e300, 12345678901234567890, 1, 2], \"Late\": [null, 7, 7, \"7\"]}",
            "{\"LotArea\": 8450, \"Neighborhood\": \"CollgCr\", \"Missing\": null}",
        };
        for (String body : bodies) {
            PredictRows.Rows tree = PredictRows.read(JSON.readTree(body), 100);
            PredictRows.Rows streamed = streamed(body, 100);
            assertThat(streamed.count()).isEqualTo(tree.count());
            assertThat(streamed.columns().keySet()).containsExactlyElementsOf(tree.columns().keySet());
            assertThat(job(streamed)).as(body).isEqualTo(job(tree));
        }
    }

    @Test
    void aLargeRandomBodyMakesTheSameJobAsItsTree() {
        Random random = new Random(7);
        StringBuilder b = new StringBuilder("{");
        int rows = 3_000;
        for (int c = 0; c < 6; c++) {
            b.append(c == 0 ? "" : ",").append("\"c").append(c).append("\": [");
            for (int i = 0; i < rows; i++) {
                b.append(i == 0 ? "" : ",");
                int kind = random.nextInt(c + 2);
                b.append(switch (kind) {
                    case 0, 1 -> Integer.toString(random.nextInt(100_000) - 50);
                    case 2 -> Double.toString(random.nextGaussian() * 1e4);
                    case 3 -> "null";
                    case 4 -> "\"level" + random.nextInt(30) + "\"";
                    case 5 -> "\"" + random.nextInt(5) + "\"";
                    default -> "true";
                });
            }
            b.append(']');
        }
        String body = b.append('}').toString();

        PredictRows.Rows streamed = streamed(body, rows);

        assertThat(streamed.columns().get("c0")).isInstanceOf(Columns.Doubles.class);
        assertThat(streamed.columns().get("c5")).isInstanceOf(Columns.Coded.class);
        assertThat(job(streamed)).isEqualTo(job(PredictRows.read(JSON.readTree(body), rows)));
    }

    @Test
    void refusesWhatTheTreeReaderRefuses() {
        String[][] cases = {
            {"", "empty"}, {"null", "empty"}, {"[1, 2]", "JSON object"}, {"{}", "no columns"},
            {"{\"a\": []}", "no values"}, {"{\"a\": [1, 2], \"b\": [1]}", "'b' has 1 values but 'a' has 2"},
            {"{\"a\": [1e400]}", "out of range"}, {"{\"a\": [\"-Infinity\"]}", "non-finite"},
            {"{\"a\": [{\"b\": 1}]}", "nested value"}, {"{\"a\": [[1]]}", "nested value"},
            {"{\"a\": [1]} {}", "more after"},
        };
        for (String[] c : cases) {
            ApiProblem e = assertThrows(ApiProblem.class, () -> streamed(c[0], 100), c[0]);
            assertThat(e.getMessage()).as(c[0]).contains(c[1]);
            assertThat(e.status().value()).isEqualTo(400);
        }
        ApiProblem tooMany = assertThrows(ApiProblem.class, () -> streamed("{\"a\": [1, 2, 3]}", 2));
        assertThat(tooMany.status().value()).isEqualTo(413);
        assertThrows(JacksonException.class, () -> streamed("{\"a\": [1", 100));
    }
}
