package org.mlensemble.cli;

import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code mlctl job MODEL_ID}: the progress of a fit, e.g. one started with {@code fit --no-wait}
 * or one whose {@code fit} was interrupted. Any api instance answers for any fit.
 */
final class JobCommand implements Command {

    @Override
    public String name() {
        return "job";
    }

    @Override
    public String summary() {
        return "show (or --wait for) the progress of a fit";
    }

    @Override
    public Set<String> options() {
        return Set.of("wait", "deadline-ms", "strict");
    }

    @Override
    public int positionals() {
        return 1;
    }

    @Override
    public String help() {
        return """
                Usage: mlctl job MODEL_ID [--wait] [--deadline-ms MS] [--strict]

                Shows each learner's part in a fit: pending, loading, encoding, training,
                saving, trained or failed.

                Options:
                  --wait             follow it until every live learner is done, with progress
                  --deadline-ms MS   how long --wait waits at most [120000]
                  --strict           exit 5 unless every member trained

                Example:
                  id=$(mlctl fit --no-wait --json | jq -r .modelId); mlctl job "$id" --wait
                """;
    }

    @Override
    public int run(Args args, Session s) throws ApiClient.Unreachable {
        if (args.positionals().isEmpty()) {
            throw CliError.usage("job needs a MODEL_ID (mlctl models lists them)");
        }
        String modelId = args.positionals().get(0);
        JobWatch watch = new JobWatch(s, JobWatch.pathOf(modelId), modelId);
        long wait = args.positiveLong("deadline-ms") == null ? FitCommand.DEFAULT_DEADLINE_MS
                : args.positiveLong("deadline-ms");
        JobWatch.Outcome o = args.flag("wait") ? watch.follow(s.clock().millis() + wait) : watch.once();
        JsonNode status = o.status();
        if (s.json()) {
            s.out().println(o.body().strip());
        } else {
            s.out().print(Table.pairs("model", modelId, "state", Json.text(status, "state") + ", "
                    + Json.longValue(status, "percent", 0) + "%", "members", JobWatch.summary(status)));
            s.out().println();
            s.out().print(JobWatch.table(status).render());
        }
        boolean incomplete = Json.longValue(status, "trained", 0) < JobWatch.total(status);
        return incomplete && args.flag("strict") ? Exit.DEGRADED : Exit.OK;
    }
}
