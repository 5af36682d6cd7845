package org.mlensemble.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Shows a fit's progress on stderr while it is followed. On a terminal one line is redrawn in
 * place (a bar, the percent, how many members are in which phase). Anywhere else (a log, a CI
 * job, a pipe) redrawing would leave a mess of carriage returns, so it prints one line each time
 * the fit's state or a member's phase changes, and nothing for mere percent changes.
 */
final class Progress {

    private static final int BAR = 24;
    /** Terminals are at least this wide; the JVM cannot ask for the real width without a library. */
    private static final int WIDTH = 79;

    private final PrintStream err;
    private final boolean terminal;
    private final String modelId;
    private final Map<String, String> phases = new LinkedHashMap<>();
    private String state;
    private int drawn;
    private boolean headed;

    Progress(PrintStream err, boolean terminal, String modelId) {
        this.err = err;
        this.terminal = terminal;
        this.modelId = modelId;
    }

    void update(JsonNode status) {
        if (terminal) {
            draw(status);
        } else {
            lines(status);
        }
    }

    /** Ends the bar's line so that what follows starts on a fresh one. */
    void finish() {
        if (terminal && drawn > 0) {
            err.println();
            drawn = 0;
        }
        err.flush();
    }

    private void draw(JsonNode status) {
        int percent = (int) Math.max(0, Math.min(100, Json.longValue(status, "percent", 0)));
        int filled = percent * BAR / 100;
        Map<String, Integer> count = new LinkedHashMap<>();
        int total = 0;
        for (JsonNode m : status.path("members").path("list")) {
            count.merge(m.path("phase").asString("?"), 1, Integer::sum);
            total++;
        }
        StringBuilder phasesText = new StringBuilder();
        count.forEach((phase, n) -> phasesText.append(phasesText.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(phase));
        if (drawn == 0 && !headed) {
            err.println("mlctl: fit " + modelId);
            headed = true;
        }
        String line = String.format("[%s%s] %3d%%  %s  %d/%d trained  (%s)", "#".repeat(filled),
                "-".repeat(BAR - filled), percent, status.path("state").asString("?"),
                Json.longValue(status, "trained", 0), total, phasesText);
        // a line longer than the terminal wraps, and \r then redraws only its last part
        if (line.length() > WIDTH) {
            line = line.substring(0, WIDTH - 3) + "...";
        }
        int pad = Math.max(0, drawn - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        drawn = line.length();
    }

    private void lines(JsonNode status) {
        String s = status.path("state").asString("?");
        boolean changed = !s.equals(state);
        state = s;
        // "done" after the members' last phases, any other state before the phases it starts
        if (changed && !s.equals("done")) {
            stateLine(status);
        }
        for (JsonNode m : status.path("members").path("list")) {
            String id = m.path("learnerId").asString("?");
            String phase = m.path("phase").asString("?");
            boolean alive = m.path("alive").asBoolean(true);
            String shown = phase + (alive ? "" : " (not alive)");
            if (!Objects.equals(phases.put(id, shown), shown)) {
                String reason = Json.text(m, "reason");
                err.println("mlctl:   " + id + " (shard " + m.path("shard").asString("?") + "): " + shown
                        + (reason == null ? "" : ": " + reason));
            }
        }
        if (changed && s.equals("done")) {
            stateLine(status);
        }
        err.flush();
    }

    private void stateLine(JsonNode status) {
        err.println("mlctl: fit " + modelId + " " + state + " (" + Json.longValue(status, "trained", 0)
                + " trained, " + Json.longValue(status, "failed", 0) + " failed)");
    }
}
