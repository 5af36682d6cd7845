package org.mlensemble.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code mlctl predict --file F}: predicts the rows of a JSON file in the api's column-major
 * shape, or of a CSV file with a header (batch predict), converted by {@link CsvColumns}.
 */
@Command(name = "predict", description = "predict the rows of a JSON or CSV file",
        customSynopsis = "mlctl predict --file FILE [--model-id ID] [--deadline-ms MS] [--quorum N] [--weighted] "
                + "[--strict]",
        footer = {"", "FILE is either",
            "  - JSON, the api's shape: one array per column, {\"GrLivArea\": [1710, 1262], ...},",
            "    sent as is; or",
            "  - CSV with a header line, one row per line (batch predict): converted to that",
            "    shape. Empty cells and NA are missing values (null); unquoted numbers are sent",
            "    as numbers, everything else (and every quoted cell) as text.",
            "The format comes from the extension (.json, .csv), else from the content.",
            "FILE - reads standard input. Columns the model does not use (Id, the target)",
            "are accepted and ignored.",
            "CSV files above 2 MiB are streamed to the api as text/csv (batch scoring: any number of",
            "rows, scored in chunks): the predictions are printed one per line, in row order, and a",
            "summary goes to standard error.", "",
            "Examples:",
            "  mlctl predict --file data/house_pricing/other/one_prediction_house_pricing_test.json",
            "  mlctl predict --file data/house_pricing/test/data.csv --json | jq '.Predictions[:5]'"})
final class PredictCommand extends ApiCommand {

    static final String PATH = "/v1/ml-distributed/predict";

    /** The rows to send, and the tree of them (to show the Id column next to the predictions). */
    record Input(String body, JsonNode rows) {
    }

    @Option(names = "--file", paramLabel = "FILE", description = "a JSON or CSV file; - for standard input")
    String file;

    @Mixin
    GatherOptions gather;

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        if (file == null) {
            throw CliError.usage("predict needs --file FILE (a JSON or CSV file; - for standard input)");
        }
        StringBuilder q = new StringBuilder();
        if (gather.modelId != null) {
            q.append("&modelId=").append(URLEncoder.encode(gather.modelId, StandardCharsets.UTF_8));
        }
        long deadline = gather.deadlineOr(RequestDefaults.PREDICT_DEADLINE_MS);
        if (gather.deadlineMs != null) {
            q.append("&deadlineMs=").append(deadline);
        }
        if (gather.quorum() != null) {
            q.append("&quorum=").append(gather.quorum());
        }
        if (gather.weighted) {
            q.append("&weighted=true");
        }
        String path = q.length() == 0 ? PATH : PATH + "?" + q.substring(1);
        if (CsvBatchPredict.applies(file)) {
            return CsvBatchPredict.run(Path.of(file), path, s);
        }
        Input input = read(file, file.equals("-") ? readStdin(root().io().in()) : readFile(file));
        Duration timeout = Duration.ofMillis(deadline).plus(FitCommand.GRACE);
        ApiClient.Response r = s.client().post(path, input.body(), Map.of(), timeout);
        JsonNode a = s.require(r, "predict");
        if (s.json()) {
            s.out().println(r.body().strip());
        } else {
            render(s, a, input.rows());
        }
        return gather.exitCode(a);
    }

    private static void render(Session s, JsonNode a, JsonNode rows) {
        JsonNode many = a.get("Predictions");
        if (many == null || !many.isArray()) {
            // rounded as every number a person reads; --json keeps the server's full precision
            s.out().print(Table.pairs("Prediction", Json.number(a, "Prediction"),
                    "model", Json.text(a, "modelId"),
                    "members", Json.members(a.get("members")),
                    "elapsed", Json.longValue(a, "elapsedMs", 0) + " ms"));
            return;
        }
        // the rows' own Id next to each prediction, when the input has one: row numbers alone are
        // hard to match back to a CSV
        JsonNode ids = rows.get("Id");
        boolean withIds = ids != null && ids.isArray() && ids.size() == many.size();
        Table t = withIds ? new Table("ROW", "ID", "PREDICTION") : new Table("ROW", "PREDICTION");
        // one precision for the whole column, so that the decimal points line up
        double max = 0;
        for (JsonNode p : many) {
            max = Math.max(max, Math.abs(p.asDouble(0)));
        }
        String format = max >= 100 ? "%.2f" : "%.4f";
        for (int i = 0; i < many.size(); i++) {
            Object p = many.get(i).isNumber() ? String.format(Locale.ROOT, format, many.get(i).asDouble(0))
                    : Json.text(many, i);
            if (withIds) {
                t.row(i + 1, ids.get(i).isNull() ? null : ids.get(i).asString(""), p);
            } else {
                t.row(i + 1, p);
            }
        }
        s.out().print(t.render());
        s.out().println();
        s.out().print(Table.pairs("rows", many.size(), "model", Json.text(a, "modelId"),
                "members", Json.members(a.get("members")),
                "elapsed", Json.longValue(a, "elapsedMs", 0) + " ms"));
    }

    /** The body to send: JSON as is (after checking its shape), CSV converted. */
    static Input read(String name, String text) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean csv = lower.endsWith(".csv")
                || !lower.endsWith(".json") && !text.stripLeading().startsWith("{");
        if (csv) {
            Map<String, List<Object>> columns = CsvColumns.columns(text, name);
            String body = Json.write(columns);
            return new Input(body, Json.MAPPER.readTree(body));
        }
        JsonNode rows;
        try {
            rows = Json.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw CliError.usage(name + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (rows == null || !rows.isObject() || rows.isEmpty()) {
            throw CliError.usage(name + " must hold a JSON object of columns: {\"column\": [value, ...], ...}");
        }
        return new Input(text, rows);
    }

    private static String readFile(String file) {
        try {
            return decode(Files.readAllBytes(Path.of(file)), file);
        } catch (NoSuchFileException e) {
            throw CliError.usage("no such file: " + file);
        } catch (IOException e) {
            throw CliError.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String readStdin(InputStream stdin) {
        try {
            return decode(stdin.readAllBytes(), "standard input");
        } catch (IOException e) {
            throw CliError.usage("cannot read standard input: " + e.getMessage());
        }
    }

    private static String decode(byte[] bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw CliError.usage(source + " is not UTF-8 text");
        }
    }
}
