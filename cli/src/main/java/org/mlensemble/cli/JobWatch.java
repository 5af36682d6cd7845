package org.mlensemble.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Follows a fit's job status ({@code GET /v1/ml-distributed/fit/jobs/{modelId}}) until it is
 * done, and renders it.
 *
 * <p>The status is read from presence, so any api instance behind any load balancer answers it:
 * each poll goes through the failing-over client, and a poll that reaches nobody is not fatal
 * (the fit goes on in the cluster while a load balancer restarts); following only gives up at
 * the deadline.
 */
final class JobWatch {

    static final String PATH = "/v1/ml-distributed/fit/jobs/";
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration GET_TIMEOUT = Duration.ofSeconds(10);
    /** Polls in a row without any live member before giving up: more than one heartbeat apart. */
    static final int NO_LIVE_POLLS = 3;

    /**
     * The last status seen.
     *
     * @param body     its raw JSON, for --json
     * @param finished the fit was done (every live member trained or failed) when following ended
     */
    record Outcome(JsonNode status, String body, boolean finished) {
    }

    private final Session session;
    private final String path;
    private final String modelId;

    JobWatch(Session session, String path, String modelId) {
        this.session = session;
        this.path = path;
        this.modelId = modelId;
    }

    static String pathOf(String modelId) {
        return PATH + URLEncoder.encode(modelId, StandardCharsets.UTF_8);
    }

    /** One look at the status. */
    Outcome once() throws ApiClient.Unreachable {
        ApiClient.Response r = session.client().get(path, GET_TIMEOUT);
        JsonNode status = session.require(r, "fit status");
        return new Outcome(status, r.body(), "done".equals(status.path("state").asString("")));
    }

    /**
     * Polls until the fit is done, no learner is alive to do it, or {@code untilMillis} passes.
     *
     * @throws ApiClient.Unreachable when no status could be read at all
     */
    Outcome follow(long untilMillis) throws ApiClient.Unreachable {
        Progress progress = new Progress(session.err(), session.terminal(), modelId);
        Outcome last = null;
        ApiClient.Unreachable lost = null;
        int noLive = 0;
        // Ctrl-C ends the JVM without an exception here; say what became of the fit on the way out.
        Thread onExit = new Thread(() -> {
            session.err().println();
            session.err().println("mlctl: stopped following; the fit goes on in the cluster: mlctl job " + modelId
                    + " --wait");
            session.err().flush();
        });
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            while (true) {
                try {
                    last = once();
                    if (lost != null) {
                        progress.finish();
                        session.err().println("mlctl: reached the service again");
                        lost = null;
                    }
                    progress.update(last.status());
                    if (last.finished()) {
                        break;
                    }
                    noLive = anyAlive(last.status()) ? 0 : noLive + 1;
                    if (noLive >= NO_LIVE_POLLS) {
                        break;
                    }
                } catch (ApiClient.Unreachable e) {
                    if (lost == null) {
                        progress.finish();
                        session.err().println("mlctl: " + e.getMessage() + "; the fit goes on, still trying");
                    }
                    lost = e;
                }
                if (session.clock().millis() >= untilMillis) {
                    break;
                }
                session.sleeper().sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError(Exit.FAILURE, "interrupted; the fit goes on in the cluster: mlctl job " + modelId
                    + " --wait");
        } finally {
            progress.finish();
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: nothing to undo
            }
        }
        if (last == null) {
            throw lost;
        }
        return last;
    }

    private static boolean anyAlive(JsonNode status) {
        for (JsonNode m : status.path("members").path("list")) {
            if (m.path("alive").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    /** The per-learner table of a job status. */
    static Table table(JsonNode status) {
        Table t = new Table("LEARNER", "SHARD", "ALIVE", "STATUS", "PROGRESS", "ROWS", "TRAIN MS", "REASON");
        for (JsonNode m : status.path("members").path("list")) {
            t.row(Json.text(m, "learnerId"), Json.text(m, "shard"), m.path("alive").asBoolean(false) ? "yes" : "no",
                    Json.text(m, "phase"), Json.longValue(m, "percent", 0) + "%", Json.number(m, "rows"),
                    Json.number(m, "trainMs"), Json.text(m, "reason"));
        }
        return t;
    }

    /** "3 of 4 trained (failed: learner-2; not finished: learner-4)". */
    static String summary(JsonNode status) {
        List<String> failed = new ArrayList<>();
        List<String> open = new ArrayList<>();
        int total = 0;
        for (JsonNode m : status.path("members").path("list")) {
            total++;
            String phase = m.path("phase").asString("");
            String id = m.path("learnerId").asString("?");
            if ("failed".equals(phase)) {
                failed.add(id);
            } else if (!"trained".equals(phase)) {
                open.add(id + (m.path("alive").asBoolean(false) ? "" : " (not alive)"));
            }
        }
        StringBuilder s = new StringBuilder().append(Json.longValue(status, "trained", 0)).append(" of ").append(total)
                .append(" trained");
        List<String> notes = new ArrayList<>();
        if (!failed.isEmpty()) {
            notes.add("failed: " + String.join(", ", failed));
        }
        if (!open.isEmpty()) {
            notes.add("not finished: " + String.join(", ", open));
        }
        return notes.isEmpty() ? s.toString() : s + " (" + String.join("; ", notes) + ")";
    }

    static int total(JsonNode status) {
        return status.path("members").path("list").size();
    }
}
