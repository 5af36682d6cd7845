package org.mlensemble.cli;

import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code mlctl job MODEL_ID}: the progress of a fit, e.g. one started with {@code fit --no-wait}
 * or one whose {@code fit} was interrupted. Any api instance answers for any fit.
 *
 * <p>A fit no learner has reported on is an unknown id (or one sent less than a heartbeat ago):
 * the api answers 404, or state {@code pending}, and either ends in exit 3, so that a script that
 * follows a mistyped id does not take it for a fit on its way.
 */
@Command(name = "job", description = "show (or --wait for) the progress of a fit",
        customSynopsis = "mlctl job MODEL_ID [--wait] [--deadline-ms MS] [--strict]",
        footer = {"", "Shows each learner's part in a fit: pending, loading, encoding, training,",
            "saving, trained or failed. A fit no learner has reported on (an unknown id) exits 3.", "",
            "Example:", "  id=$(mlctl fit --no-wait --json | jq -r .modelId); mlctl job \"$id\" --wait"})
final class JobCommand extends ApiCommand {

    @Parameters(paramLabel = "MODEL_ID", arity = "1", description = "the model id of the fit (mlctl models lists them)")
    String modelId;

    @Option(names = "--wait", description = "follow it until every live learner is done, with progress")
    boolean waitForIt;

    @Option(names = "--deadline-ms", paramLabel = "MS",
            description = "how long --wait waits at most [" + RequestDefaults.FIT_DEADLINE_MS + "]")
    Long deadlineMs;

    @Option(names = "--strict", description = "exit 5 unless every member trained")
    boolean strict;

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        JobWatch watch = new JobWatch(s, JobWatch.pathOf(modelId), modelId);
        Long wait = positive(deadlineMs, "--deadline-ms");
        JobWatch.Outcome o = waitForIt
                ? watch.follow(s.clock().millis() + (wait == null ? RequestDefaults.FIT_DEADLINE_MS : wait))
                : watch.once();
        JsonNode status = o.status();
        if (s.json()) {
            s.out().println(o.body().strip());
        } else {
            s.out().print(Table.pairs("model", modelId, "state", Json.text(status, "state") + ", "
                    + Json.longValue(status, "percent", 0) + "%", "members", JobWatch.summary(status)));
            s.out().println();
            s.out().print(JobWatch.table(status).render());
        }
        if ("pending".equals(Json.text(status, "state"))) {
            throw new CliError(Exit.REJECTED, "no learner has reported on fit " + modelId
                    + ": an unknown model id (mlctl models lists them), or a fit sent less than a heartbeat ago");
        }
        boolean incomplete = Json.longValue(status, "trained", 0) < JobWatch.total(status);
        return incomplete && strict ? Exit.DEGRADED : Exit.OK;
    }
}
