package org.mlensemble.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * What a command runs with: the client, the two streams, the output mode, and the clock and
 * sleeper of the fit poll loop (tests pass a sleeper that returns at once).
 *
 * @param terminal stderr is a terminal: draw a progress bar instead of printing lines
 */
record Session(ApiClient client, PrintStream out, PrintStream err, boolean json, boolean terminal, Sleeper sleeper,
        Clock clock) {

    /** Waits between polls; an interface so that tests do not wait. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * The answer's JSON when it is a success; otherwise ends the command with the problem's
     * detail and the exit code of its status. With --json the error body goes to stdout too,
     * so a script reading stdout always gets the server's JSON.
     */
    JsonNode require(ApiClient.Response r, String what) {
        if (r.ok()) {
            return Json.parse(r.body(), "the answer to " + what);
        }
        if (json && r.body() != null && !r.body().isBlank()) {
            out.println(r.body().strip());
        }
        throw failure(r, what);
    }

    static CliError failure(ApiClient.Response r, String what) {
        String title = null;
        String detail = null;
        try {
            JsonNode p = Json.MAPPER.readTree(r.body());
            title = Json.text(p, "title");
            detail = Json.text(p, "detail");
            if (detail == null) {
                detail = Json.text(p, "message"); // nginx's own error pages
            }
        } catch (RuntimeException notJson) {
            // an HTML error page or nothing: the status says enough
        }
        StringBuilder m = new StringBuilder(what).append(" failed: ").append(r.status());
        if (title != null) {
            m.append(' ').append(title);
        }
        if (detail != null) {
            m.append(": ").append(detail);
        }
        if (r.status() == 401) {
            m.append(System.lineSeparator()).append("hint: set the API key in the environment: export ML_API_KEY=...");
        }
        return new CliError(Exit.forStatus(r.status()), m.toString());
    }
}
