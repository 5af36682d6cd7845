package org.mlensemble.api.predict;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.mlensemble.api.ensemble.PredictOutcome;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.common.table.CsvFormatException;
import org.mlensemble.common.table.Columns;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;

/**
 * Scores a CSV body (a header, then one row per line) chunk by chunk and writes one prediction
 * per line, in row order. At most {@link #IN_FLIGHT} chunks are between the api and the learners
 * at once, so memory stays bounded whatever the number of rows: the next chunk is read and sent
 * while the previous one is being predicted, and a chunk's lines are written as soon as it and
 * every chunk before it are answered. The reader is the spooled body (see PredictController).
 * <p>
 * Any problem found before the first line is written (header, a bad cell in the first chunks, an
 * unknown model, no quorum) is thrown, as an {@link ApiProblem} or the ensemble's own exception, and
 * answered as problem+json. One
 * found later cannot change the status any more: it is thrown all the same, and the container
 * then closes the connection without the end of the chunked body, so a client sees a truncated
 * transfer rather than a short answer that looks complete.
 */
final class CsvPredictions {

    /**
     * Rows per job: large enough that a job's fixed cost (a publish and a reply per member) is
     * small against its rows, small enough that the chunks in flight stay a few MB in the api's
     * and each learner's heap.
     */
    static final int CHUNK_ROWS = 5_000;

    /** Chunks sent and not yet written: one being predicted while the next is read and sent. */
    static final int IN_FLIGHT = 2;

    /** What was scored. */
    record Summary(long rows, int chunks, String modelId) {
    }

    /** Called once, with the first chunk's outcome: opens the answer the lines are written to. */
    interface Start {
        Writer started(PredictOutcome first) throws IOException;
    }

    /** Scores one chunk with the given model (null: the latest). */
    interface Chunks {
        CompletableFuture<PredictOutcome> predict(String modelId, Map<String, List<Object>> columns, int rows);
    }

    private final Chunks predict;
    private final int chunkRows;

    /**
     * @param predict   scores one chunk
     * @param chunkRows rows per chunk
     */
    CsvPredictions(Chunks predict, int chunkRows) {
        this.predict = predict;
        this.chunkRows = chunkRows;
    }

    /**
     * @param modelId the model to score with; null for the latest, which is then pinned by the
     *                first chunk's answer so that a fit finishing meanwhile does not change the
     *                model halfway through the rows
     */
    Summary stream(String modelId, Reader body, Start start) throws IOException {
        CsvReader.Records records;
        try {
            records = CsvReader.records(body, "the CSV body");
        } catch (CsvFormatException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        List<String> header = records.header();
        Deque<CompletableFuture<PredictOutcome>> inFlight = new ArrayDeque<>();
        long rows = 0;
        int chunks = 0;
        String pinned = modelId;
        Writer out = null;
        boolean more = true;
        while (more || !inFlight.isEmpty()) {
            if (more) {
                Chunk chunk = read(records, header);
                more = chunk.rows() == chunkRows;
                if (chunk.rows() > 0) {
                    inFlight.add(predict.predict(pinned, chunk.columns(), chunk.rows()));
                    chunks++;
                } else if (chunks == 0) {
                    throw ApiProblem.badRequest("the CSV body has a header but no rows");
                }
                // the first chunk alone while the model is not pinned yet
                if (more && inFlight.size() < IN_FLIGHT && (pinned != null || rows > 0)) {
                    continue;
                }
            }
            if (inFlight.isEmpty()) {
                break;
            }
            PredictOutcome o = await(inFlight.poll());
            if (rows == 0) {
                pinned = o.modelId();
                out = start.started(o);
            }
            StringBuilder lines = new StringBuilder(o.predictions().length * 20);
            for (double p : o.predictions()) {
                lines.append(p).append('\n');
            }
            out.write(lines.toString());
            out.flush();
            rows += o.predictions().length;
        }
        return new Summary(rows, chunks, pinned);
    }

    private static PredictOutcome await(CompletableFuture<PredictOutcome> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private record Chunk(Map<String, List<Object>> columns, int rows) {
    }

    /**
     * The next rows, column-major, typed as the JSON body's are ({@link #cell}) but held as
     * primitives: a column whose every cell is a number (or missing) as doubles, any other as a
     * dictionary of its distinct texts and a code per row. Nothing is boxed, and the binary job
     * body copies these arrays as they are.
     */
    private Chunk read(CsvReader.Records records, List<String> header) throws IOException {
        int width = header.size();
        double[][] numbers = new double[width][chunkRows];
        boolean[] numeric = new boolean[width];
        Arrays.fill(numeric, true);
        int[][] codes = new int[width][chunkRows];
        List<Map<String, Integer>> dictionaries = new ArrayList<>(width);
        for (int c = 0; c < width; c++) {
            dictionaries.add(new LinkedHashMap<>());
        }
        int n = 0;
        while (n < chunkRows) {
            String[] row;
            try {
                row = records.next();
            } catch (CsvFormatException e) {
                throw ApiProblem.badRequest(e.getMessage());
            }
            if (row == null) {
                break;
            }
            for (int c = 0; c < width; c++) {
                String text = row[c];
                if (Table.isMissing(text)) {
                    numbers[c][n] = Double.NaN;
                    codes[c][n] = -1;
                    continue;
                }
                Map<String, Integer> dictionary = dictionaries.get(c);
                if (numeric[c]) {
                    Double d = number(header.get(c), text, records.line());
                    if (d != null) {
                        numbers[c][n] = d;
                        continue;
                    }
                    // the first text of this column: the rows before become codes of their numbers' text
                    numeric[c] = false;
                    for (int j = 0; j < n; j++) {
                        codes[c][j] = Double.isNaN(numbers[c][j]) ? -1
                                : dictionary.computeIfAbsent(canonical(numbers[c][j]), t -> dictionary.size());
                    }
                }
                refuseNonFinite(header.get(c), text, records.line());
                Integer code = dictionary.get(text);
                if (code == null) {
                    code = dictionary.size();
                    dictionary.put(text, code);
                }
                codes[c][n] = code;
            }
            n++;
        }
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int c = 0; c < width; c++) {
            List<Object> column = numeric[c] ? new Columns.Doubles(Arrays.copyOf(numbers[c], n))
                    : new Columns.Coded(dictionaries.get(c).keySet().toArray(String[]::new), Arrays.copyOf(codes[c], n));
            columns.put(header.get(c), column);
        }
        return new Chunk(columns, n);
    }

    /** A cell as the JSON body would carry it: see {@link #number}; text otherwise, null when missing. */
    static Object cell(String column, String text, Map<String, String> pool, int line) {
        if (Table.isMissing(text)) {
            return null;
        }
        Double d = number(column, text, line);
        if (d != null) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) (double) d : (Object) d;
        }
        refuseNonFinite(column, text, line);
        return pool.computeIfAbsent(text, t -> t);
    }

    /**
     * The cell's number when it is written the way a learner writes that number back as text
     * ({@code 8450}, {@code 0.25}, {@code -2.5}): then a category column sees the same text as in
     * training and a numeric column the same value. Other numeric text ({@code 007}, {@code +5},
     * {@code 94.0}, {@code 1e3}) is null: it stays text, which numeric columns parse anyway.
     */
    static Double number(String column, String text, int line) {
        double n = plainInteger(text);
        if (n == n) {
            return n;
        }
        if (!looksNumeric(text)) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null; // text that only looks like a number ("1-2"): a category
        }
        if (Double.isInfinite(d)) {
            throw ApiProblem.badRequest("line " + line + ", column '" + column + "' has a number out of range: " + text);
        }
        return canonical(d).equals(text) ? d : null;
    }

    /**
     * The value of an integer written as a learner writes it ({@code 0}, {@code 8450},
     * {@code -12}: no sign but a minus, no leading zero, at most 15 digits, not {@code -0}), or NaN
     * for any other text: the common cell, read without {@link Double#parseDouble} and without
     * writing the number back to compare.
     */
    static double plainInteger(String s) {
        int len = s.length();
        if (len == 0) {
            return Double.NaN;
        }
        int i = s.charAt(0) == '-' ? 1 : 0;
        int digits = len - i;
        if (digits < 1 || digits > 15 || s.charAt(i) == '0' && (digits > 1 || i == 1)) {
            return Double.NaN;
        }
        long v = 0;
        for (; i < len; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return Double.NaN;
            }
            v = v * 10 + (ch - '0');
        }
        return s.charAt(0) == '-' ? -v : v;
    }

    /** How a learner writes a number as text (FeatureEncoding's rule for a number in a category column). */
    private static String canonical(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static void refuseNonFinite(String column, String text, int line) {
        if (text.equalsIgnoreCase("nan") || text.equalsIgnoreCase("infinity") || text.equalsIgnoreCase("-infinity")) {
            throw ApiProblem.badRequest("line " + line + ", column '" + column + "' has a non-finite value: " + text);
        }
    }

    /** Digits, sign, point or exponent only: Java would also read "NaN", "1f" or hex as numbers. */
    private static boolean looksNumeric(String s) {
        char last = s.charAt(s.length() - 1);
        if (!(last >= '0' && last <= '9' || last == '.')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) {
                return false;
            }
        }
        return true;
    }
}
