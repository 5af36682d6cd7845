package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlctl predict --file BIG.csv}: the file streamed as text/csv, the lines printed as they come. */
class CsvBatchPredictTest {

    private static final String PREDICT = "/v1/ml-distributed/predict";

    private TestServer server;
    private final Cli cli = new Cli();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A CSV just above the streaming threshold; each row's prediction is its Id. */
    private Path bigCsv() throws Exception {
        Path csv = dir.resolve("big.csv");
        StringBuilder b = new StringBuilder("Id,GrLivArea,Neighborhood\n");
        int id = 0;
        while (b.length() <= CsvBatchPredict.STREAM_ABOVE_BYTES) {
            b.append(id++).append(",1710,CollgCr\n");
        }
        Files.writeString(csv, b);
        return csv;
    }

    @Test
    void aLargeCsvFileIsStreamedAsCsvAndEachPredictionPrinted() throws Exception {
        server.on(PREDICT, r -> {
            StringBuilder lines = new StringBuilder();
            String[] rows = r.body().split("\n");
            for (int i = 1; i < rows.length; i++) {
                lines.append(rows[i], 0, rows[i].indexOf(',')).append(".0\n");
            }
            return new TestServer.Reply(200, "text/csv", lines.toString(), Map.of("X-ML-Model-Id", "m-1"));
        });
        Path csv = bigCsv();

        Cli.Result r = cli.run("--url", server.url(), "predict", "--file", csv.toString(), "--model-id", "m-1");

        assertThat(r.code()).as(r.err()).isZero();
        TestServer.Request sent = server.requests(PREDICT).get(0);
        assertThat(sent.header("Content-Type")).isEqualTo("text/csv");
        assertThat(sent.headers().get("Accept")).contains("text/csv");
        assertThat(sent.query()).isEqualTo("modelId=m-1");
        assertThat(sent.body()).isEqualTo(Files.readString(csv));
        String[] out = r.out().split("\n");
        assertThat(out).hasSize((int) Files.lines(csv).count() - 1);
        assertThat(out[0]).isEqualTo("0.0");
        assertThat(out[out.length - 1]).isEqualTo((out.length - 1) + ".0");
        assertThat(r.err()).contains(String.format("%,d rows predicted with model m-1", out.length));
    }

    @Test
    void aProblemFromTheApiIsReportedAsForAnyPredict() throws Exception {
        server.on(PREDICT, r -> TestServer.problem(400, "Bad request", "the CSV body line 3: 1 cells, header has 3"));

        Cli.Result r = cli.run("--url", server.url(), "predict", "--file", bigCsv().toString());

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("400").contains("line 3");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSmallCsvFileIsStillSentAsJson() throws Exception {
        Path small = dir.resolve("small.csv");
        Files.writeString(small, "Id,GrLivArea\n1,1710\n");

        assertThat(CsvBatchPredict.applies(small.toString())).isFalse();
        assertThat(CsvBatchPredict.applies(bigCsv().toString())).isTrue();
        assertThat(CsvBatchPredict.applies("-")).isFalse();
    }
}
