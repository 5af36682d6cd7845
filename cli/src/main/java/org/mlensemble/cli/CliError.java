package org.mlensemble.cli;

/**
 * Ends the command with a message on stderr and an exit code. Thrown rather than returned so
 * that deep helpers (argument parsing, file reading, HTTP) can stop the command in one line.
 */
final class CliError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliError usage(String message) {
        return new CliError(Exit.USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
