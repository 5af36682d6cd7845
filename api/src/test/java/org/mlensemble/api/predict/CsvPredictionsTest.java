package org.mlensemble.api.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.membership.Members;
import org.mlensemble.api.ensemble.PredictOutcome;
import org.mlensemble.api.ensemble.UnknownModelException;
import org.mlensemble.api.system.ApiProblem;

class CsvPredictionsTest {

    /** A CSV of {@code n} rows whose column {@code id} is the row number. */
    private static String csv(int n) {
        StringBuilder b = new StringBuilder("id,Neighborhood,LotArea\n");
        for (int i = 0; i < n; i++) {
            b.append(i).append(",CollgCr,").append(8000 + i).append('\n');
        }
        return b.toString();
    }

    /** Predicts each row's id, so every line can be checked against its row. */
    private static PredictOutcome byId(String modelId, Map<String, List<Object>> columns, int rows) {
        double[] p = new double[rows];
        for (int i = 0; i < rows; i++) {
            p[i] = ((Number) columns.get("id").get(i)).doubleValue();
        }
        return new PredictOutcome(modelId == null ? "m-latest" : modelId, p, new Members(4, 4, List.of()), 1);
    }

    private static List<String> run(CsvPredictions csv, String modelId, String body) throws IOException {
        StringWriter out = new StringWriter();
        csv.stream(modelId, new StringReader(body), first -> out);
        return out.toString().isEmpty() ? List.of() : List.of(out.toString().split("\n"));
    }

    @Test
    void answersOneLinePerRowInRowOrderAcrossChunks() throws IOException {
        List<Integer> chunkSizes = new ArrayList<>();
        CsvPredictions csv = new CsvPredictions((model, columns, rows) -> {
            chunkSizes.add(rows);
            return CompletableFuture.completedFuture(byId(model, columns, rows));
        }, 5);

        List<String> lines = run(csv, "m-1", csv(23));

        assertThat(lines).hasSize(23);
        for (int i = 0; i < 23; i++) {
            assertThat(lines.get(i)).isEqualTo(Double.toString(i));
        }
        assertThat(chunkSizes).containsExactly(5, 5, 5, 5, 3);
    }

    @Test
    void keepsAtMostTwoChunksInFlightWhateverTheRows() throws IOException {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Executor later = CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS);
        CsvPredictions csv = new CsvPredictions((model, columns, rows) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(() -> {
                inFlight.decrementAndGet();
                return byId(model, columns, rows);
            }, later);
        }, 10);

        List<String> lines = run(csv, "m-1", csv(1_000));

        assertThat(lines).hasSize(1_000);
        assertThat(lines.get(999)).isEqualTo("999.0");
        assertThat(most.get()).isEqualTo(CsvPredictions.IN_FLIGHT);
    }

    @Test
    void pinsTheLatestModelWithTheFirstChunkSoEveryRowUsesOneModel() throws IOException {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        CsvPredictions csv = new CsvPredictions((model, columns, rows) -> {
            asked.add(String.valueOf(model));
            return CompletableFuture.completedFuture(byId(model, columns, rows));
        }, 4);

        run(csv, null, csv(12));

        assertThat(asked).containsExactly("null", "m-latest", "m-latest");
    }

    @Test
    void typesCellsAsTheJsonBodyDoes() {
        Map<String, String> pool = new HashMap<>();
        assertThat(CsvPredictions.cell("LotArea", "8450", pool, 2)).isEqualTo(8450L);
        assertThat(CsvPredictions.cell("Frac", "0.25", pool, 2)).isEqualTo(0.25);
        assertThat(CsvPredictions.cell("Neg", "-2.5", pool, 2)).isEqualTo(-2.5);
        // numeric text not written as a learner writes the number stays text, as in training
        assertThat(CsvPredictions.cell("Big", "1e3", pool, 2)).isEqualTo("1e3");
        assertThat(CsvPredictions.cell("Code", "007", pool, 2)).isEqualTo("007");
        assertThat(CsvPredictions.cell("Code", "+5", pool, 2)).isEqualTo("+5");
        assertThat(CsvPredictions.cell("Frontage", "94.0", pool, 2)).isEqualTo("94.0");
        assertThat(CsvPredictions.cell("Alley", "NA", pool, 2)).isNull();
        assertThat(CsvPredictions.cell("Alley", "", pool, 2)).isNull();
        assertThat(CsvPredictions.cell("MSZoning", "C (all)", pool, 2)).isEqualTo("C (all)");
        assertThat(CsvPredictions.cell("Code", "12A", pool, 2)).isEqualTo("12A");
        assertThat(CsvPredictions.cell("Code", "1f", pool, 2)).isEqualTo("1f");
        Object a = CsvPredictions.cell("Neighborhood", new String("CollgCr"), pool, 2);
        Object b = CsvPredictions.cell("Neighborhood", new String("CollgCr"), pool, 3);
        assertThat(a).isSameAs(b);
    }

    @Test
    void chunksArePrimitiveColumnsAndAColumnWithTextKeepsItsNumbersAsTheirText() throws IOException {
        List<Map<String, List<Object>>> sent = new ArrayList<>();
        CsvPredictions csv = new CsvPredictions((model, columns, rows) -> {
            sent.add(columns);
            return CompletableFuture.completedFuture(byId(model, columns, rows));
        }, 10);

        run(csv, "m-1", "id,LotArea,MSSubClass\n0,8450,60\n1,NA,20\n2,0.5,1Fam\n3,9600,\n");

        Map<String, List<Object>> c = sent.get(0);
        assertThat(c.get("LotArea")).isInstanceOf(org.mlensemble.common.table.Columns.Doubles.class)
                .containsExactly(8450L, null, 0.5, 9600L);
        assertThat(c.get("MSSubClass")).isInstanceOf(org.mlensemble.common.table.Columns.Coded.class)
                .containsExactly("60", "20", "1Fam", null);
    }

    @Test
    void refusesNonFiniteNumbersWithTheirLineAndColumn() {
        ApiProblem e = assertThrows(ApiProblem.class, () -> CsvPredictions.cell("LotArea", "1e400", new HashMap<>(), 7));
        assertThat(e.getMessage()).contains("line 7", "LotArea");
        assertThrows(ApiProblem.class, () -> CsvPredictions.cell("LotArea", "NaN", new HashMap<>(), 7));
        assertThrows(ApiProblem.class, () -> CsvPredictions.cell("LotArea", "-Infinity", new HashMap<>(), 7));
    }

    @Test
    void aHeaderWithoutRowsIsABadRequest() {
        CsvPredictions csv = new CsvPredictions((model, columns, rows) -> {
            throw new AssertionError("nothing to predict");
        }, 5);

        ApiProblem e = assertThrows(ApiProblem.class, () -> run(csv, "m-1", "id,LotArea\n"));
        assertThat(e.status().value()).isEqualTo(400);
        assertThat(e.getMessage()).contains("no rows");
    }

    @Test
    void aRowWithTheWrongCellCountIsABadRequestNamingItsLine() {
        CsvPredictions csv = new CsvPredictions(
                (model, columns, rows) -> CompletableFuture.completedFuture(byId(model, columns, rows)), 5);

        ApiProblem e = assertThrows(ApiProblem.class, () -> run(csv, "m-1", "id,LotArea\n0,1\n1,2,3\n"));
        assertThat(e.status().value()).isEqualTo(400);
        assertThat(e.getMessage()).contains("line 3");
    }

    @Test
    void aFailedChunkFailsTheStreamWithItsProblem() {
        CsvPredictions csv = new CsvPredictions(
                (model, columns, rows) -> CompletableFuture.failedFuture(new UnknownModelException("m-gone")), 5);

        UnknownModelException e = assertThrows(UnknownModelException.class, () -> run(csv, "m-gone", csv(3)));
        assertThat(e.modelId()).isEqualTo("m-gone");
    }

    @Test
    void anIntegerCellIsReadAsTheSlowPathReadsIt() {
        List<String> cells = new ArrayList<>(List.of("0", "7", "8450", "-12", "-0", "007", "+5", "94.0", "1e3", "0.25",
                "-2.5", "-", "1-2", "999999999999999", "-999999999999999", "1000000000000000", "12a", "٣"));
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++) {
            cells.add(Long.toString(random.nextLong() % (1L << (1 + random.nextInt(52)))));
        }
        for (String text : cells) {
            Double expected;
            try {
                // the rule: the text's number when the number written back is the same text
                double d = Double.parseDouble(text);
                String back = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
                expected = text.chars().allMatch(c -> c >= '0' && c <= '9' || "+-.eE".indexOf(c) >= 0)
                        && back.equals(text) ? d : null;
            } catch (NumberFormatException e) {
                expected = null;
            }
            assertThat(CsvPredictions.number("c", text, 1)).as(text).isEqualTo(expected);
            double fast = CsvPredictions.plainInteger(text);
            if (fast == fast) {
                assertThat(fast).as(text).isEqualTo(expected);
            }
        }
    }
}
