package org.mlensemble.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mlctl fit}: trains a new model version.
 *
 * <p>By default the fit is asynchronous: the api answers 202 at once and mlctl follows the job
 * status, so a fit of minutes shows progress and survives a load balancer going away mid-way
 * (each poll fails over on its own). {@code --sync} holds one request open for the whole fit.
 *
 * <p>Every fit carries an {@code Idempotency-Key}, a fresh model id unless given: if the request is
 * re-sent to the backup load balancer after the main one failed mid-request, the api joins it to
 * the same model instead of training a second one.
 */
@Command(name = "fit", sortOptions = false,
        description = "train a new model version on every learner, showing progress",
        customSynopsis = "mlctl fit [options]",
        descriptionHeading = "%n",
        footer = {"", "Trains a new model version: every learner trains a member on its own shard.",
            "By default the fit runs asynchronously and mlctl follows it, drawing a progress",
            "bar on stderr (a line per change when stderr is not a terminal), then prints",
            "the per-learner table. Ctrl-C stops following, not the fit. Options left out",
            "are left out of the request: the api's defaults (in brackets) apply.", "",
            "Examples:",
            "  mlctl fit",
            "  mlctl fit --algorithm forest --param trees=25 --param maxDepth=12 --seed 7 --quorum 3",
            "  mlctl fit --sync --json | jq .modelId"})
final class FitCommand extends ApiCommand {

    static final String PATH = "/v1/ml-distributed/fit";
    /** Beyond the deadline: the api answers at the deadline, this is for the network and nginx. */
    static final Duration GRACE = Duration.ofSeconds(15);

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "folder under the learners' data directory [" + RequestDefaults.DATASET + "]")
    String dataset;

    @Option(names = "--target", paramLabel = "COLUMN", description = "column to predict [" + RequestDefaults.TARGET + "]")
    String target;

    @Option(names = "--algorithm", paramLabel = "NAME", description = "linear, tree, forest or boosted [linear]")
    String algorithm;

    @Option(names = "--param", paramLabel = "K=V", description = {
        "a hyperparameter, repeatable; numbers are sent as numbers, true/false as booleans",
        "(linear: epochs learningRate l2 loss; tree: maxDepth minLeafSize;",
        "forest: trees maxDepth featureFraction)"})
    List<String> params = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "seed of every random choice [" + RequestDefaults.SEED + "]")
    Long seed;

    @Option(names = "--sampling", paramLabel = "MODE", description = "shard or bootstrap [shard]")
    String sampling;

    @Option(names = "--log-target", description = "learn log(1 + target)")
    boolean logTarget;

    @Option(names = "--weighted", description = "weight members by their error on a held-out slice")
    boolean weighted;

    /** The fit's deadline, quorum and strictness. */
    static final class FitOptions extends MemberOptions {

        @Option(names = "--deadline-ms", paramLabel = "MS",
                description = "how long to wait for the members [" + RequestDefaults.FIT_DEADLINE_MS + "]")
        Long deadlineMs;

        @Override
        Long deadlineMs() {
            return deadlineMs;
        }
    }

    @Mixin
    FitOptions members;

    @Option(names = "--idempotency-key", paramLabel = "KEY", description = {
        "re-running with the same key returns the same model instead of training again [a new model id]"})
    String idempotencyKey;

    @Option(names = "--sync", description = "one synchronous request instead of async + polling")
    boolean sync;

    @Option(names = "--no-wait", description = "print the model id and return at once (async)")
    boolean noWait;

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        if (sync && noWait) {
            throw CliError.usage("--sync and --no-wait contradict each other");
        }
        ObjectNode body = body();
        long deadlineMs = members.deadlineOr(RequestDefaults.FIT_DEADLINE_MS);
        String key = idempotencyKey;
        if (key == null) {
            key = newModelId();
        } else if (!key.matches("[\\x21-\\x7e]{1,200}")) {
            throw CliError.usage("--idempotency-key must be 1-200 printable ASCII characters without spaces");
        }
        if (!sync) {
            body.put("async", true);
        }
        long started = s.clock().millis();
        Duration timeout = sync ? Duration.ofMillis(deadlineMs).plus(GRACE) : JobWatch.GET_TIMEOUT.multipliedBy(3);
        ApiClient.Response r = s.client().post(PATH, Json.write(body), Map.of("Idempotency-Key", key), timeout);
        JsonNode answer = s.require(r, "fit");
        if (r.status() != 202) {
            return synchronous(s, r, answer);
        }

        String modelId = answer.path("modelId").asString("");
        String location = r.header("Location");
        String path = location != null && location.startsWith("/") ? location : JobWatch.pathOf(modelId);
        if (noWait) {
            if (s.json()) {
                s.out().println(r.body().strip());
            } else {
                s.out().print(Table.pairs("model", modelId, "status", path, "follow", "mlctl job " + modelId + " --wait"));
            }
            return Exit.OK;
        }
        if (!s.terminal()) {
            s.err().println("mlctl: fit " + modelId + " accepted (" + answer.path("algorithm").asString("?")
                    + ", " + answer.path("members").path("expected").asLong(0) + " live shards)");
        }
        JobWatch.Outcome o = new JobWatch(s, path, modelId).follow(started + deadlineMs + GRACE.toMillis());
        JsonNode status = o.status();
        if (s.json()) {
            s.out().println(o.body().strip());
        } else {
            s.out().print(Table.pairs("model", modelId,
                    "algorithm", answer.path("algorithm").asString("?") + paramsSuffix(answer.get("params")),
                    "data", data(answer),
                    "members", JobWatch.summary(status),
                    "elapsed", seconds(s.clock().millis() - started)));
            s.out().println();
            s.out().print(JobWatch.table(status).render());
        }
        return verdict(s, modelId, status, o.finished());
    }

    /** Exit code of a followed fit: below the quorum is a failed fit, below complete is degraded. */
    private int verdict(Session s, String modelId, JsonNode status, boolean finished) {
        long trained = Json.longValue(status, "trained", 0);
        long q = members.quorum() == null ? 1 : members.quorum();
        if (!finished) {
            s.err().println("mlctl: fit " + modelId + " was not done when mlctl stopped following it ("
                    + JobWatch.summary(status) + "); see mlctl job " + modelId);
        }
        if (trained < q) {
            throw new CliError(Exit.UNAVAILABLE, "fit " + modelId + ": " + trained + " of " + JobWatch.total(status)
                    + " members trained, quorum is " + q + "; see the reasons above");
        }
        if (trained < JobWatch.total(status)) {
            return members.strict ? Exit.DEGRADED : Exit.OK;
        }
        return Exit.OK;
    }

    private int synchronous(Session s, ApiClient.Response r, JsonNode answer) {
        if (s.json()) {
            s.out().println(r.body().strip());
        } else {
            s.out().print(Table.pairs("model", Json.text(answer, "modelId"),
                    "algorithm", answer.path("algorithm").asString("?") + paramsSuffix(answer.get("params")),
                    "data", data(answer),
                    "members", Json.members(answer.get("members")),
                    "elapsed", Json.longValue(answer, "elapsedMs", 0) + " ms"));
            s.out().println();
            Table t = new Table("LEARNER", "SHARD", "STATUS", "ROWS", "TRAIN MS", "REASON");
            for (JsonNode l : answer.path("learners")) {
                t.row(Json.text(l, "learnerId"), Json.text(l, "shard"), Json.text(l, "status"), Json.number(l, "rows"),
                        Json.number(l, "trainMs"), Json.text(l, "reason"));
            }
            s.out().print(t.render());
        }
        return members.exitCode(answer);
    }

    /** The request body from the options; absent options are left out so the api's defaults apply. */
    ObjectNode body() {
        ObjectNode b = Json.MAPPER.createObjectNode();
        putText(b, "dataset", dataset);
        putText(b, "target", target);
        putText(b, "algorithm", algorithm);
        if (!params.isEmpty()) {
            ObjectNode p = b.putObject("params");
            for (String kv : params) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw CliError.usage("--param wants KEY=VALUE, got '" + kv + "'");
                }
                putValue(p, kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        if (seed != null) {
            b.put("seed", seed);
        }
        putText(b, "sampling", sampling);
        if (logTarget) {
            b.put("logTarget", true);
        }
        if (weighted) {
            b.put("weighted", true);
        }
        members.putInto(b);
        return b;
    }

    /** {@code 25} as a number, {@code 0.5} as a double, {@code true} as a boolean, anything else as text. */
    static void putValue(ObjectNode o, String key, String v) {
        if (INTEGER.matcher(v).matches()) {
            o.put(key, Long.parseLong(v));
        } else if (DECIMAL.matcher(v).matches()) {
            o.put(key, Double.parseDouble(v));
        } else if (v.equals("true") || v.equals("false")) {
            o.put(key, Boolean.parseBoolean(v));
        } else {
            o.put(key, v);
        }
    }

    private static void putText(ObjectNode b, String field, String v) {
        if (v != null) {
            b.put(field, v);
        }
    }

    private static String paramsSuffix(JsonNode params) {
        String p = Json.params(params);
        return p.isEmpty() ? "" : " (" + p + ")";
    }

    private static String data(JsonNode answer) {
        return answer.path("dataset").asString("?") + ", target " + answer.path("target").asString("?") + ", seed "
                + answer.path("seed").asString("?");
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /**
     * A model id in the api's one form, {@code m-<yyyyMMdd>-<HHmmss>-<6 hex>} (UTC): sent as the
     * idempotency key, the api takes it as the model's id, so a retry through the other load
     * balancer names the same model at once.
     */
    static String newModelId() {
        return "m-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()) + "-"
                + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt())
                        .substring(0, 6);
    }
}
