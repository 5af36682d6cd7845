package org.mlensemble.cli;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mlctl status}: can each load balancer be reached, how many learners are alive, which
 * model is the latest. Each load balancer is probed on its own (no failover: the point is to see
 * which one is down); learners and models then go through the failing-over client.
 */
@Command(name = "status", description = "reachability of each load balancer, live learners, latest model",
        customSynopsis = "mlctl status [--strict] [--json]",
        footer = {"", "Probes GET /readyz (the api's readiness) through each load balancer URL separately (no",
            "failover), then shows the learners (alive of known) and the latest model.", "",
            "Exit code 0 when at least one load balancer answers, 4 when none does."})
final class StatusCommand extends ApiCommand {

    static final String HEALTH = "/readyz";
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /** What probing one load balancer found. */
    record Probe(String role, URI url, boolean reachable, int status, String health, long ms, String detail) {

        boolean healthy() {
            return reachable && status == 200 && "UP".equals(health);
        }
    }

    @Option(names = "--strict", description = {"exit 5 when anything is not fully up (a load balancer or",
        "an api instance behind it, a learner, a member of the latest model)"})
    boolean strict;

    @Override
    int run(Session s) throws ApiClient.Unreachable {
        List<Probe> probes = new ArrayList<>();
        List<URI> urls = s.client().urls();
        for (int i = 0; i < urls.size(); i++) {
            Probe p = probe(s, ApiClient.role(i), urls.get(i));
            // The first request of the process also pays for loading the HTTP stack (a few hundred
            // ms), which would make the main load balancer look slow: time a second one.
            probes.add(p.reachable() ? probe(s, p.role(), p.url()) : p);
        }
        boolean anyReachable = probes.stream().anyMatch(p -> p.reachable() && p.status() != 502 && p.status() != 504);

        JsonNode learners = null;
        JsonNode models = null;
        String problem = null;
        int code = Exit.OK;
        if (anyReachable) {
            try {
                learners = s.require(s.client().get(LearnersCommand.PATH, ModelsCommand.TIMEOUT), "learners");
                models = s.require(s.client().get(ModelsCommand.PATH, ModelsCommand.TIMEOUT), "models");
            } catch (CliError e) {
                problem = e.getMessage();
                code = e.exitCode();
            } catch (ApiClient.Unreachable e) {
                problem = e.getMessage();
                code = Exit.UNAVAILABLE;
            }
        } else {
            problem = "no load balancer reached an api instance";
            code = Exit.UNAVAILABLE;
        }
        JsonNode latest = models != null && models.isArray() && !models.isEmpty() ? models.get(0) : null;

        if (s.json()) {
            s.out().println(json(probes, learners, latest, problem));
        } else {
            Table t = new Table("LB", "URL", "STATE", "HEALTH", "TIME", "DETAIL");
            for (Probe p : probes) {
                t.row(p.role(), p.url(), p.reachable() ? "reachable" : "unreachable",
                        p.health() != null ? p.health() : p.reachable() ? "HTTP " + p.status() : null,
                        p.reachable() ? p.ms() + " ms" : null, p.detail());
            }
            s.out().print(t.render());
            s.out().println();
            s.out().print(Table.pairs("learners", learners == null ? "unknown" : learners(learners),
                    "latest model", models == null ? "unknown" : latest == null ? "none yet (mlctl fit)" : model(latest)));
        }
        if (problem != null) {
            s.err().println("mlctl: " + problem);
            return code;
        }
        boolean allUp = probes.stream().allMatch(Probe::healthy) && allAlive(learners) && complete(latest);
        return !allUp && strict ? Exit.DEGRADED : Exit.OK;
    }

    static Probe probe(Session s, String role, URI url) {
        long t0 = System.nanoTime();
        try {
            ApiClient.Response r = s.client().once(url, "GET", HEALTH, null, Map.of(), PROBE_TIMEOUT);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String health = null;
            try {
                health = Json.text(Json.MAPPER.readTree(r.body()), "status");
            } catch (RuntimeException notJson) {
                // nginx's error page, or something else listening there
            }
            String detail;
            if (r.status() == 502 || r.status() == 504) {
                detail = "load balancer up, no api instance answered";
            } else {
                String upstream = r.header("X-ML-Upstream");
                String lb = r.header("X-ML-LB");
                detail = upstream == null ? null : (lb == null ? "" : lb + " -> ") + "api " + upstream;
            }
            return new Probe(role, url, true, r.status(), health, ms, detail);
        } catch (IOException e) {
            return new Probe(role, url, false, 0, null, 0, ApiClient.reason(e, PROBE_TIMEOUT));
        }
    }

    private static String learners(JsonNode learners) {
        int alive = 0;
        List<String> down = new ArrayList<>();
        for (JsonNode l : learners) {
            if (l.path("alive").asBoolean(false)) {
                alive++;
            } else {
                down.add(l.path("learnerId").asString("?"));
            }
        }
        String s = alive + " of " + learners.size() + " alive";
        return down.isEmpty() ? s : s + " (down: " + String.join(", ", down) + ")";
    }

    private static String model(JsonNode m) {
        return Json.text(m, "modelId") + ", " + m.path("algorithm").asString("?") + ", " + Json.time(Json.longValue(m,
                "createdAt", 0)) + ", " + Json.members(m.get("members")) + " members live";
    }

    private static boolean allAlive(JsonNode learners) {
        if (learners == null) {
            return false;
        }
        for (JsonNode l : learners) {
            if (!l.path("alive").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }

    private static boolean complete(JsonNode latest) {
        return latest == null || !Json.degraded(latest.get("members"));
    }

    private static String json(List<Probe> probes, JsonNode learners, JsonNode latest, String problem) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode lbs = o.putArray("loadBalancers");
        for (Probe p : probes) {
            ObjectNode n = lbs.addObject();
            n.put("role", p.role());
            n.put("url", p.url().toString());
            n.put("reachable", p.reachable());
            if (p.reachable()) {
                n.put("httpStatus", p.status());
                n.put("health", p.health());
                n.put("ms", p.ms());
            }
            n.put("detail", p.detail());
        }
        o.set("learners", learners);
        o.set("latestModel", latest);
        if (problem != null) {
            o.put("problem", problem);
        }
        return Json.write(o);
    }
}
