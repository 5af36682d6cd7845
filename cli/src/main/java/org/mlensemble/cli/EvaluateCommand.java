package org.mlensemble.cli;

import java.time.Duration;
import java.util.Map;
import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mlctl evaluate}: the ensemble's score on the dataset's labelled test set. */
@Command(name = "evaluate",
        description = "score a model on the labelled test set (the ensemble, each member, each left out)",
        customSynopsis = "mlctl evaluate [--model-id ID] [--deadline-ms MS] [--quorum N] [--weighted] [--strict]",
        footer = {"", "Scores the averaged predictions of the members that answer on the dataset's",
            "test set (rmse, mae, r2, rmsle), then each member alone, then the ensemble",
            "without each member.", "", "Example:", "  mlctl evaluate --json | jq .rmse"})
final class EvaluateCommand extends ApiCommand {

    static final String PATH = "/v1/ml-distributed/evaluate";

    @Mixin
    GatherOptions gather;

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (gather.modelId != null) {
            body.put("modelId", gather.modelId);
        }
        long deadline = gather.deadlineOr(RequestDefaults.EVALUATE_DEADLINE_MS);
        gather.putInto(body);
        if (gather.weighted) {
            body.put("weighted", true);
        }
        ApiClient.Response r = s.client().post(PATH, Json.write(body), Map.of(),
                Duration.ofMillis(deadline).plus(FitCommand.GRACE));
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
        return gather.exitCode(a);
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
