package org.mlensemble.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code mlctl learners}: every learner the api has heard from, alive or not. */
@Command(name = "learners", description = "list the learners: alive or not, members held, fits in progress",
        customSynopsis = "mlctl learners [--json]",
        footer = {"", "Lists every learner heard from (by its heartbeat): its shard, whether it is",
            "alive, when it was last heard, how many model members it holds and the newest,",
            "the fits it is working on, and how many stored members it failed to load."})
final class LearnersCommand extends ApiCommand {

    static final String PATH = "/v1/ml-distributed/learners";

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        ApiClient.Response r = s.client().get(PATH, ModelsCommand.TIMEOUT);
        JsonNode learners = s.require(r, "learners");
        if (s.json()) {
            s.out().println(r.body().strip());
            return Exit.OK;
        }
        if (learners.isEmpty()) {
            s.out().println("no learner heard from yet");
            return Exit.OK;
        }
        s.out().print(table(learners, s.clock().millis()).render());
        return Exit.OK;
    }

    static Table table(JsonNode learners, long now) {
        Table t = new Table("LEARNER", "SHARD", "ALIVE", "LAST SEEN", "STARTED", "HELD", "NEWEST MEMBER", "TRAINING",
                "LOAD FAILURES");
        for (JsonNode l : learners) {
            long seen = Json.longValue(l, "lastSeen", 0);
            t.row(Json.text(l, "learnerId"), Json.text(l, "shard"), l.path("alive").asBoolean(false) ? "yes" : "no",
                    seen <= 0 ? null : FitCommand.seconds(Math.max(0, now - seen)) + " ago",
                    Json.time(Json.longValue(l, "startedAt", 0)), l.path("held").size(), newest(l.path("held")),
                    training(l.path("training")), Json.number(l, "loadFailures"));
        }
        return t;
    }

    private static String newest(JsonNode members) {
        String id = null;
        long created = Long.MIN_VALUE;
        for (JsonNode m : members) {
            long c = Json.longValue(m, "createdAt", 0);
            if (id == null || c > created) {
                id = Json.text(m, "modelId");
                created = c;
            }
        }
        return id;
    }

    private static String training(JsonNode training) {
        List<String> parts = new ArrayList<>();
        for (JsonNode p : training) {
            if ("done".equals(Json.text(p, "phase"))) {
                continue; // presence keeps finished fits for a while; the MEMBERS column has them
            }
            parts.add(Json.text(p, "modelId") + " " + Json.text(p, "phase") + " " + Json.longValue(p, "percent", 0) + "%");
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }
}
