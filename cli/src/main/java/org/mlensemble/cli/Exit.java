package org.mlensemble.cli;

/**
 * The process exit codes. They are part of the interface: scripts branch on them, so they are
 * few, stable, and listed in {@code mlctl help} and docs/cli.md.
 */
final class Exit {

    /** Answered. A degraded answer (members missing) is still a success unless --strict. */
    static final int OK = 0;
    /** Anything unexpected: a 5xx other than 503, an unreadable answer, an I/O error. */
    static final int FAILURE = 1;
    /** The command line or a local input file is wrong; nothing was sent. */
    static final int USAGE = 2;
    /** The service rejected the request (4xx): bad input, API key, unknown model, no model yet, too large. */
    static final int REJECTED = 3;
    /** The service could not serve it: 503 (quorum not met, broker down), or no URL answered. */
    static final int UNAVAILABLE = 4;
    /** With --strict only: answered, but by fewer members than the ensemble has. */
    static final int DEGRADED = 5;

    private Exit() {
    }

    /** The exit code for an HTTP error status that reached us (502/504 never do: they fail over). */
    static int forStatus(int status) {
        if (status == 503 || status == 502 || status == 504) {
            return UNAVAILABLE;
        }
        if (status >= 400 && status < 500) {
            return REJECTED;
        }
        return FAILURE;
    }

    static final String HELP = """
            Exit codes:
              0  success (also when some members were missing from the answer; see --strict)
              1  unexpected failure (a 5xx other than 503, an unreadable answer)
              2  usage error: bad option, unreadable input file (nothing was sent)
              3  request rejected (4xx): bad input, wrong or missing API key, unknown model,
                 no model yet (fit first), request too large
              4  service unavailable: 503 (quorum not met, broker down) or no URL answered;
                 also a fit in which fewer members trained than the quorum
              5  only with --strict: the answer came from fewer members than the ensemble has
                 (a member missing or failed), or, for status, a load balancer or learner is down
            """;
}
