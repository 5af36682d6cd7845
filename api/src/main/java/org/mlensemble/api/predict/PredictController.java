package org.mlensemble.api.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mlensemble.api.ensemble.Ensemble;
import org.mlensemble.api.ensemble.EnsembleUnavailableException;
import org.mlensemble.api.ensemble.PredictCommand;
import org.mlensemble.api.ensemble.PredictOutcome;
import org.mlensemble.api.membership.Members;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.api.system.Deadlines;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * {@code POST /v1/ml-distributed/predict}: the body is the rows, options are query parameters.
 * A JSON body is answered in one JSON document; a CSV body ({@code text/csv}, with
 * {@code Accept: text/csv}) is streamed through {@link CsvPredictions}, one prediction per line.
 */
@RestController
@RequestMapping("/v1/ml-distributed")
class PredictController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PredictController.class);

    /** The seed's fields first ({@code Prediction}, {@code ProblemType}), then ours. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PredictResponse(@JsonProperty("Prediction") double prediction,
            @JsonProperty("ProblemType") String problemType,
            @JsonProperty("Predictions") double[] predictions,
            String modelId, Members members, long elapsedMs) {
    }

    private final Ensemble ensemble;
    private final Deadlines deadlines;

    PredictController(Ensemble ensemble, Deadlines deadlines) {
        this.ensemble = ensemble;
        this.deadlines = deadlines;
    }

    /**
     * One JSON document of rows, answered on this request's thread: it waits for the gather with
     * the request's deadline. One servlet dispatch: returning the future instead made Spring MVC
     * dispatch the request a second time to write the answer (filter chain, handler lookup and
     * message converter again): 37 % of the request threads' time in a profile, and 1.4-1.6 times
     * the throughput without it (docs/performance.md, P1). A waiting predict holds its thread, so
     * Tomcat's pool (200 threads) bounds how many wait at once; more queue in Tomcat.
     * <p>
     * The body is streamed into primitive columns ({@link PredictRows#read(InputStream, int)}),
     * not read into a tree first: a batch of 10,000 rows made ~40 MB of short-lived objects.
     */
    @PostMapping(path = "/predict", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    PredictResponse predict(HttpServletRequest request,
            @RequestParam(required = false) String modelId, @RequestParam(required = false) Long deadlineMs,
            @RequestParam(required = false) Integer quorum, @RequestParam(defaultValue = "false") boolean weighted)
            throws Exception {
        PredictRows.Rows rows;
        try (InputStream in = request.getInputStream()) {
            rows = PredictRows.read(in, deadlines.props().maxRows());
        } catch (JacksonException e) {
            // answered as any unreadable JSON body is (a body over the limit included)
            throw new HttpMessageNotReadableException("JSON parse error: " + e.getOriginalMessage(), e,
                    new ServletServerHttpRequest(request));
        }
        Duration deadline = deadlines.deadline(deadlineMs, deadlines.props().predictDeadline());
        var command = new PredictCommand(modelId, rows.columns(), rows.count(), deadline, deadlines.quorum(quorum),
                weighted);
        CompletableFuture<PredictOutcome> answer = ensemble.predict(command);
        return response(await(answer, deadline));
    }

    private static PredictResponse response(PredictOutcome o) {
        return new PredictResponse(o.predictions()[0], "regression",
                o.predictions().length > 1 ? o.predictions() : null, o.modelId(), o.members(), o.elapsedMs());
    }

    /**
     * The gather's outcome. It completes by the request's deadline (the gather's own), so the bound
     * here only ends the wait on a bug. A failure is rethrown as Spring MVC did with the failed
     * future: its cause, for {@code ProblemHandler} to map.
     */
    static <T> T await(CompletableFuture<T> answer, Duration deadline) throws Exception {
        try {
            return answer.get(deadline.toMillis() + AWAIT_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        } catch (TimeoutException e) {
            throw new EnsembleUnavailableException("no answer " + AWAIT_GRACE_MS + " ms after the deadline of "
                    + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnsembleUnavailableException("the api is stopping; retry on another instance");
        }
    }

    /** How long past its deadline a predict waits for the gather, which has answered by then unless broken. */
    private static final long AWAIT_GRACE_MS = 10_000;

    static final String TEXT_CSV = "text/csv";

    /**
     * Batch scoring of any number of rows, on this request's thread (a batch is long and rare; the
     * thread is what bounds how many run at once). The body is spooled to disk first, then read,
     * predicted and written chunk by chunk: reading the body while the answer streams out would
     * need both directions at once, which proxies and clients do not all give (nginx, for one,
     * stops reading the answer until it has sent the whole body, and both sides then wait).
     * {@code deadlineMs} and {@code quorum} apply to each chunk.
     */
    @PostMapping(path = "/predict", consumes = TEXT_CSV, produces = TEXT_CSV)
    void predictCsv(HttpServletRequest request, HttpServletResponse response,
            @RequestParam(required = false) String modelId, @RequestParam(required = false) Long deadlineMs,
            @RequestParam(required = false) Integer quorum, @RequestParam(defaultValue = "false") boolean weighted)
            throws IOException {
        Duration deadline = deadlines.deadline(deadlineMs, deadlines.props().predictDeadline());
        int q = deadlines.quorum(quorum);
        CsvPredictions csv = new CsvPredictions(
                (model, columns, rows) -> ensemble.predict(new PredictCommand(model, columns, rows, deadline, q,
                        weighted)),
                Math.min(CsvPredictions.CHUNK_ROWS, deadlines.props().maxRows()));
        var uploads = deadlines.props().datasets();
        Path dir = uploads.spoolDir().isBlank() ? Path.of(System.getProperty("java.io.tmpdir"))
                : Path.of(uploads.spoolDir());
        Path spool = Files.createTempFile(dir, "predict-", ".csv");
        try {
            long bytes = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = request.getInputStream(); OutputStream out = Files.newOutputStream(spool)) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    bytes += n;
                    if (bytes > uploads.maxUploadBytes()) {
                        throw ApiProblem.tooLarge("the CSV body is larger than " + uploads.maxUploadBytes()
                                + " bytes (ml.api.datasets.max-upload-bytes)");
                    }
                    out.write(buf, 0, n);
                }
            }
            try (var in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
                csv.stream(modelId, in, first -> {
                    response.setContentType(TEXT_CSV + ";charset=UTF-8");
                    response.setHeader("X-ML-Model-Id", first.modelId());
                    return new BufferedWriter(new OutputStreamWriter(response.getOutputStream(),
                            StandardCharsets.UTF_8), 1 << 16);
                });
            }
        } catch (RuntimeException e) {
            if (response.isCommitted()) {
                // the status is sent: the client only sees the answer cut short, the log says why
                log.warn("CSV predict failed after its answer began; the answer is cut short: {}", e.toString());
            }
            throw e;
        } finally {
            Files.deleteIfExists(spool);
        }
    }
}
