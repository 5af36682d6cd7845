package org.mlensemble.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code mlctl models}: the model versions the learners hold, newest first. */
@Command(name = "models", description = "list the model versions held by the learners, newest first",
        customSynopsis = "mlctl models [--json]",
        footer = {"", "Lists every model version a known learner holds, newest first: when it was",
            "created, its algorithm and parameters, and how many of its members are held",
            "by a live learner right now (LIVE) out of all that hold one (MEMBERS)."})
final class ModelsCommand extends ApiCommand {

    static final String PATH = "/v1/ml-distributed/models";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        ApiClient.Response r = s.client().get(PATH, TIMEOUT);
        JsonNode models = s.require(r, "models");
        if (s.json()) {
            s.out().println(r.body().strip());
            return Exit.OK;
        }
        if (models.isEmpty()) {
            s.out().println("no model yet: train one with mlctl fit");
            return Exit.OK;
        }
        Table t = new Table("MODEL", "CREATED", "DATASET", "TARGET", "ALGORITHM", "PARAMS", "SEED", "MEMBERS",
                "LIVE HOLDERS");
        for (JsonNode m : models) {
            t.row(Json.text(m, "modelId"), Json.time(Json.longValue(m, "createdAt", 0)), Json.text(m, "dataset"),
                    Json.text(m, "target"), Json.text(m, "algorithm"), Json.params(m.get("params")),
                    Json.number(m, "seed"), Json.members(m.get("members")),
                    String.join(",", Json.strings(m.get("liveHolders"))));
        }
        s.out().print(t.render());
        return Exit.OK;
    }
}
