package org.mlensemble.cli;

import java.util.Set;

/** One {@code mlctl} command. */
interface Command {

    String name();

    /** One line for {@code mlctl help}. */
    String summary();

    /** The text of {@code mlctl NAME --help}: usage, options, examples. */
    String help();

    /** The command's own options (the global ones are always allowed). */
    Set<String> options();

    /** How many positional arguments it takes. */
    default int positionals() {
        return 0;
    }

    /** Runs and returns the exit code; errors end it by throwing {@link CliError}. */
    int run(Args args, Session session) throws ApiClient.Unreachable;
}
