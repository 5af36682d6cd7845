package org.mlensemble.cli;

import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Option;

/** The options of a request answered by the members that answer in time: evaluate and predict. */
final class GatherOptions {

    @Option(names = "--model-id", paramLabel = "ID", description = "the model to use [the latest]")
    String modelId;

    @Option(names = "--deadline-ms", paramLabel = "MS", description = {"how long to wait for the members",
        "[evaluate " + RequestDefaults.EVALUATE_DEADLINE_MS + ", predict " + RequestDefaults.PREDICT_DEADLINE_MS + "]"})
    Long deadlineMs;

    @Option(names = "--quorum", paramLabel = "N", description = "fewest members that must answer [1]")
    Long quorum;

    @Option(names = "--weighted", description = "weight members by their held-out error (fit --weighted)")
    boolean weighted;

    @Option(names = "--strict", description = "exit 5 when some member did not answer")
    boolean strict;

    /** The positive deadline given, else the api's default for this kind of request. */
    long deadlineOr(long apiDefault) {
        Long d = ApiCommand.positive(deadlineMs, "--deadline-ms");
        return d == null ? apiDefault : d;
    }

    Long quorum() {
        return ApiCommand.positive(quorum, "--quorum");
    }

    /** The exit code of an answer: degraded (a member missing) is a success unless --strict. */
    int exitCode(tools.jackson.databind.JsonNode answer) {
        return Json.degraded(answer.get("members")) && strict ? Exit.DEGRADED : Exit.OK;
    }
}
