package org.mlensemble.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the service, with the {@link Session} the root command's options make. */
abstract class ApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws ApiClient.Unreachable {
        return run(root().session());
    }

    /** Runs and returns the exit code; errors end it by throwing {@link CliError}. */
    abstract int run(Session s) throws ApiClient.Unreachable;

    Mlctl root() {
        return (Mlctl) spec.root().userObject();
    }

    /** A positive whole number option, or null when absent. */
    static Long positive(Long value, String option) {
        if (value != null && value <= 0) {
            throw CliError.usage(option + " must be positive, got " + value);
        }
        return value;
    }
}
