package org.mlensemble.cli;

import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** {@code mlctl models}: the model versions the learners hold, newest first. */
final class ModelsCommand implements Command {

    static final String PATH = "/v1/ml-distributed/models";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "list the model versions held by the learners, newest first";
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public String help() {
        return """
                Usage: mlctl models [--json]

                Lists every model version a known learner holds, newest first: when it was
                created, its algorithm and parameters, and how many of its members are held
                by a live learner right now (LIVE) out of all that hold one (MEMBERS).
                """;
    }

    @Override
    public int run(Args args, Session s) throws ApiClient.Unreachable {
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
        Table t = new Table("MODEL", "CREATED", "DATASET", "TARGET", "ALGORITHM", "PARAMS", "SEED", "LIVE", "MEMBERS",
                "HOLDERS");
        for (JsonNode m : models) {
            t.row(Json.text(m, "modelId"), Json.time(Json.longValue(m, "createdAt", 0)), Json.text(m, "dataset"),
                    Json.text(m, "target"), Json.text(m, "algorithm"), Json.params(m.get("params")),
                    Json.number(m, "seed"), Json.number(m, "liveMembers"), Json.number(m, "members"),
                    String.join(",", Json.strings(m.get("holders"))));
        }
        s.out().print(t.render());
        return Exit.OK;
    }
}
