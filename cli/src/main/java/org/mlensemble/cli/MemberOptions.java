package org.mlensemble.cli;

import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The options of every request the members answer by a deadline: fit, evaluate and predict. Each
 * declares its own {@code --deadline-ms}, whose help names that request's default.
 */
abstract class MemberOptions {

    @Option(names = "--quorum", paramLabel = "N",
            description = "fewest members that must answer (for fit: that make a model) [1]")
    Long quorum;

    @Option(names = "--strict", description = "exit 5 when some member did not answer (for fit: did not train)")
    boolean strict;

    /** The {@code --deadline-ms} given, or null. */
    abstract Long deadlineMs();

    /** The positive deadline given, else the api's default for this kind of request. */
    long deadlineOr(long apiDefault) {
        Long d = ApiCommand.positive(deadlineMs(), "--deadline-ms");
        return d == null ? apiDefault : d;
    }

    Long quorum() {
        return ApiCommand.positive(quorum, "--quorum");
    }

    /** Puts the deadline and quorum given into a request body; absent ones stay out, so the api's defaults apply. */
    void putInto(ObjectNode body) {
        Long d = ApiCommand.positive(deadlineMs(), "--deadline-ms");
        if (d != null) {
            body.put("deadlineMs", d);
        }
        if (quorum() != null) {
            body.put("quorum", quorum().intValue());
        }
    }

    /** The exit code of an answer: degraded (a member missing) is a success unless --strict. */
    int exitCode(JsonNode answer) {
        return Json.degraded(answer.get("members")) && strict ? Exit.DEGRADED : Exit.OK;
    }
}
