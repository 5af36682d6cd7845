package org.mlensemble.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mlctl evaluate}: the ensemble's score on the dataset's labelled test set. */
final class EvaluateCommand implements Command {

    static final String PATH = "/v1/ml-distributed/evaluate";
    /** The api's default evaluate deadline. */
    static final long DEFAULT_DEADLINE_MS = 30_000;

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "score a model on the labelled test set (the ensemble, each member, each left out)";
    }

    @Override
    public Set<String> options() {
        return Set.of("model-id", "deadline-ms", "quorum", "weighted", "strict");
    }

    @Override
    public String help() {
        return """
                Usage: mlctl evaluate [--model-id ID] [--deadline-ms MS] [--quorum N] [--weighted] [--strict]

                Scores the averaged predictions of the members that answer on the dataset's
                test set (rmse, mae, r2, rmsle), then each member alone, then the ensemble
                without each member.

                Options:
                  --model-id ID      the model to score [the latest]
                  --deadline-ms MS   how long to wait for the members [30000]
                  --quorum N         fewest members that must answer [1]
                  --weighted         weight members by their held-out error (fit --weighted)
                  --strict           exit 5 when some member did not answer

                Example:
                  mlctl evaluate --json | jq .rmse
                """;
    }

    @Override
    public int run(Args args, Session s) throws ApiClient.Unreachable {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (args.value("model-id") != null) {
            body.put("modelId", args.value("model-id"));
        }
        Long deadline = args.positiveLong("deadline-ms");
        if (deadline != null) {
            body.put("deadlineMs", deadline);
        }
        Long quorum = args.positiveLong("quorum");
        if (quorum != null) {
            body.put("quorum", quorum.intValue());
        }
        if (args.flag("weighted")) {
            body.put("weighted", true);
        }
        Duration timeout = Duration.ofMillis(deadline == null ? DEFAULT_DEADLINE_MS : deadline)
                .plus(FitCommand.GRACE);
        ApiClient.Response r = s.client().post(PATH, Json.write(body), Map.of(), timeout);
        JsonNode a = s.require(r, "evaluate");
        if (s.json()) {
            s.out().println(r.body().strip());
        } else {
            s.out().print(Table.pairs("model", Json.text(a, "modelId"),
                    "dataset", a.path("dataset").asString("?") + " (test set, " + a.path("rows").asString("?")
                            + " rows)",
                    "members", Json.members(a.get("members")),
                    "elapsed", Json.longValue(a, "elapsedMs", 0) + " ms"));
            s.out().println();
            s.out().print(table(a).render());
        }
        return Json.degraded(a.get("members")) && args.flag("strict") ? Exit.DEGRADED : Exit.OK;
    }

    static Table table(JsonNode a) {
        Table t = new Table("SCORE OF", "ROWS", "RMSE", "MAE", "R2", "RMSLE");
        row(t, "ensemble", a);
        for (Map.Entry<String, JsonNode> e : a.path("memberMetrics").properties()) {
            row(t, e.getKey() + " alone", e.getValue());
        }
        for (Map.Entry<String, JsonNode> e : a.path("withoutMember").properties()) {
            row(t, "without " + e.getKey(), e.getValue());
        }
        return t;
    }

    private static void row(Table t, String who, JsonNode m) {
        t.row(who, Json.number(m, "rows"), Json.metric(m, "rmse"), Json.metric(m, "mae"), Json.metric(m, "r2"),
                Json.metric(m, "rmsle"));
    }
}
