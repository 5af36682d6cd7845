package org.mlensemble.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
final class FitCommand implements Command {

    static final String PATH = "/v1/ml-distributed/fit";
    /** The api's default fit deadline; mlctl needs it to know how long to wait. */
    static final long DEFAULT_DEADLINE_MS = 120_000;
    /** Beyond the deadline: the api answers at the deadline, this is for the network and nginx. */
    static final Duration GRACE = Duration.ofSeconds(15);

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");

    @Override
    public String name() {
        return "fit";
    }

    @Override
    public String summary() {
        return "train a new model version on every learner, showing progress";
    }

    @Override
    public Set<String> options() {
        return Set.of("dataset", "target", "algorithm", "param", "seed", "sampling", "log-target", "weighted",
                "deadline-ms", "quorum", "sync", "no-wait", "idempotency-key", "strict");
    }

    @Override
    public String help() {
        return """
                Usage: mlctl fit [options]

                Trains a new model version: every learner trains a member on its own shard.
                By default the fit runs asynchronously and mlctl follows it, drawing a progress
                bar on stderr (a line per change when stderr is not a terminal), then prints
                the per-learner table. Ctrl-C stops following, not the fit.

                Options (all optional; the api's defaults in brackets):
                  --dataset NAME         folder under the learners' data directory [house_pricing]
                  --target COLUMN        column to predict [SalePrice]
                  --algorithm NAME       linear, tree or forest [linear]
                  --param K=V            a hyperparameter, repeatable; numbers are sent as numbers,
                                         true/false as booleans (linear: epochs learningRate l2 loss;
                                         tree: maxDepth minLeafSize; forest: trees maxDepth featureFraction)
                  --seed N               seed of every random choice [42]
                  --sampling MODE        shard or bootstrap [shard]
                  --log-target           learn log(1 + target)
                  --weighted             weight members by their error on a held-out slice
                  --deadline-ms MS       how long to wait for the members [120000]
                  --quorum N             fewest trained members that make a model [1]
                  --idempotency-key KEY  re-running with the same key returns the same model
                                         instead of training again [a new model id]
                  --sync                 one synchronous request instead of async + polling
                  --no-wait              print the model id and return at once (async)
                  --strict               exit 5 when some member did not train

                Examples:
                  mlctl fit
                  mlctl fit --algorithm forest --param trees=25 --param maxDepth=12 --seed 7 --quorum 3
                  mlctl fit --sync --json | jq .modelId
                """;
    }

    @Override
    public int run(Args args, Session s) throws ApiClient.Unreachable {
        boolean sync = args.flag("sync");
        if (sync && args.flag("no-wait")) {
            throw CliError.usage("--sync and --no-wait contradict each other");
        }
        ObjectNode body = body(args);
        long deadlineMs = body.has("deadlineMs") ? body.get("deadlineMs").asLong(0) : DEFAULT_DEADLINE_MS;
        Integer quorum = args.intValue("quorum");
        String key = args.value("idempotency-key");
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
            return synchronous(args, s, r, answer);
        }

        String modelId = answer.path("modelId").asString("");
        String location = r.header("Location");
        String path = location != null && location.startsWith("/") ? location : JobWatch.pathOf(modelId);
        if (args.flag("no-wait")) {
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
        return verdict(args, s, modelId, status, o.finished(), quorum);
    }

    /** Exit code of a followed fit: below the quorum is a failed fit, below complete is degraded. */
    private static int verdict(Args args, Session s, String modelId, JsonNode status, boolean finished,
            Integer quorum) {
        long trained = Json.longValue(status, "trained", 0);
        int q = quorum == null ? 1 : quorum;
        if (!finished) {
            s.err().println("mlctl: fit " + modelId + " was not done when mlctl stopped following it ("
                    + JobWatch.summary(status) + "); see mlctl job " + modelId);
        }
        if (trained < q) {
            throw new CliError(Exit.UNAVAILABLE, "fit " + modelId + ": " + trained + " of " + JobWatch.total(status)
                    + " members trained, quorum is " + q + "; see the reasons above");
        }
        if (trained < JobWatch.total(status)) {
            return args.flag("strict") ? Exit.DEGRADED : Exit.OK;
        }
        return Exit.OK;
    }

    private static int synchronous(Args args, Session s, ApiClient.Response r, JsonNode answer) {
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
        return Json.degraded(answer.get("members")) && args.flag("strict") ? Exit.DEGRADED : Exit.OK;
    }

    /** The request body from the options; absent options are left out so the api's defaults apply. */
    static ObjectNode body(Args args) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        putText(b, "dataset", args.value("dataset"));
        putText(b, "target", args.value("target"));
        putText(b, "algorithm", args.value("algorithm"));
        if (!args.values("param").isEmpty()) {
            ObjectNode params = b.putObject("params");
            for (String p : args.values("param")) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw CliError.usage("--param wants KEY=VALUE, got '" + p + "'");
                }
                putValue(params, p.substring(0, eq).strip(), p.substring(eq + 1).strip());
            }
        }
        Long seed = args.longValue("seed");
        if (seed != null) {
            b.put("seed", seed);
        }
        putText(b, "sampling", args.value("sampling"));
        if (args.flag("log-target")) {
            b.put("logTarget", true);
        }
        if (args.flag("weighted")) {
            b.put("weighted", true);
        }
        Long deadline = args.positiveLong("deadline-ms");
        if (deadline != null) {
            b.put("deadlineMs", deadline);
        }
        Long quorum = args.positiveLong("quorum");
        if (quorum != null) {
            b.put("quorum", quorum.intValue());
        }
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
