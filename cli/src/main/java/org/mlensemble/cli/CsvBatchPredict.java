package org.mlensemble.cli;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Batch scoring of a large CSV file: the file is streamed to the api as {@code text/csv}, which
 * scores it chunk by chunk and answers one prediction per line, in row order. The lines go to
 * standard output as they are; a summary goes to standard error. Used by {@code mlctl predict}
 * for CSV files above {@link #STREAM_ABOVE_BYTES}; smaller ones are sent as JSON and shown as a
 * table with their Id column.
 */
final class CsvBatchPredict {

    /** Above this, a CSV file is streamed (a 2 MiB CSV holds some 6,000 rows of the house data). */
    static final long STREAM_ABOVE_BYTES = 2L << 20;

    /** A batch of a million rows takes about a minute; this only bounds a stuck connection. */
    static final Duration TIMEOUT = Duration.ofHours(1);

    private CsvBatchPredict() {
    }

    /** True for a CSV file (by its extension) large enough to be streamed. */
    static boolean applies(String file) {
        if (file.equals("-") || !file.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return false;
        }
        try {
            return Files.size(Path.of(file)) > STREAM_ABOVE_BYTES;
        } catch (IOException e) {
            return false; // the JSON path reports a missing or unreadable file
        }
    }

    /**
     * @param path the predict path with its query ({@code /v1/ml-distributed/predict?modelId=...})
     */
    static int run(Path file, String path, Session s) throws ApiClient.Unreachable {
        long t0 = System.nanoTime();
        ApiClient.Response r = s.client().sendBody("POST", path, () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (IOException e) {
                throw CliError.usage("cannot read " + file + ": " + e.getMessage());
            }
        }, Map.of("Content-Type", "text/csv", "Accept", "text/csv"), TIMEOUT);
        if (!r.ok()) {
            s.require(r, "predict");
        }
        String lines = r.body();
        s.out().print(lines);
        s.out().flush();
        long rows = lines.chars().filter(c -> c == '\n').count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        s.err().printf(Locale.ROOT, "mlctl: %,d rows predicted with model %s in %.1f s (%,.0f rows/s)%n", rows,
                r.header("X-ML-Model-Id"), seconds, rows / Math.max(seconds, 1e-3));
        return Exit.OK;
    }
}
