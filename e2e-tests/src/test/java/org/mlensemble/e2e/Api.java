package org.mlensemble.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The HTTP contract as the suite uses it, against any base URL (a load balancer or an api instance). */
final class Api {

    static final String V1 = "/v1/ml-distributed";
    /** The one second of slack every answer gets beyond its deadline. */
    static final Duration SLACK = Duration.ofSeconds(1);

    private Api() {
    }

    static Http.Reply fit(String base, String body, Duration deadline) {
        return fit(base, body, deadline, null);
    }

    /** A synchronous fit; {@code body} must carry {@code deadlineMs} equal to {@code deadline}. */
    static Http.Reply fit(String base, String body, Duration deadline, String idempotencyKey) {
        Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
        return Http.post(base + V1 + "/fit", body, deadline.plus(SLACK), headers);
    }

    static Http.Reply predict(String base, String modelId, String rows, Duration deadline) {
        return Http.post(base + V1 + "/predict?modelId=" + modelId + "&deadlineMs=" + deadline.toMillis(), rows,
                deadline.plus(SLACK));
    }

    static Http.Reply predict(String base, String modelId, String rows, Duration deadline, int quorum) {
        return Http.post(base + V1 + "/predict?modelId=" + modelId + "&deadlineMs=" + deadline.toMillis() + "&quorum="
                + quorum, rows, deadline.plus(SLACK));
    }

    static Http.Reply evaluate(String base, String modelId, Duration deadline) {
        String body = "{\"modelId\":\"" + modelId + "\",\"deadlineMs\":" + deadline.toMillis() + "}";
        return Http.post(base + V1 + "/evaluate", body, deadline.plus(SLACK));
    }

    /** Uploads {@code csv} as dataset {@code name} with its target column ({@code POST /datasets/{name}}). */
    static Http.Reply uploadDataset(String base, String name, String target, String csv, Duration timeout) {
        return Http.postCsv(base + V1 + "/datasets/" + name + "?target=" + target, csv, timeout);
    }

    static JsonNode learners(String base) {
        return require(Http.get(base + V1 + "/learners"));
    }

    static JsonNode models(String base) {
        return require(Http.get(base + V1 + "/models"));
    }

    static Http.Reply model(String base, String modelId) {
        return Http.get(base + V1 + "/models/" + modelId);
    }

    static JsonNode fitJob(String base, String modelId) {
        return require(Http.get(base + V1 + "/fit/jobs/" + modelId));
    }

    /** The learner ids that {@code base} considers alive. */
    static List<String> liveLearners(String base) {
        Http.Reply r = Http.get(base + V1 + "/learners");
        List<String> out = new ArrayList<>();
        if (r.ok() && r.json() != null) {
            r.json().forEach(l -> {
                if (l.get("alive").asBoolean()) {
                    out.add(l.get("learnerId").asString());
                }
            });
        }
        return out;
    }

    /** One learner's outcome in a fit answer; fails the test when the answer does not name it. */
    static JsonNode outcome(JsonNode fit, String learner) {
        for (JsonNode o : fit.get("learners")) {
            if (o.get("learnerId").asString().equals(learner)) {
                return o;
            }
        }
        throw new AssertionError("no outcome for " + learner + " in " + fit);
    }

    /** A fit this learner (a {@code GET /learners} entry) is training now and that is not in {@code known}. */
    static Optional<String> newTraining(JsonNode learner, List<String> known) {
        for (JsonNode t : learner.get("training")) {
            String id = t.get("modelId").asString();
            if (!known.contains(id) && "training".equals(t.get("phase").asString())) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    static Optional<JsonNode> learner(String base, String learnerId) {
        for (JsonNode l : learners(base)) {
            if (l.get("learnerId").asString().equals(learnerId)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Learners holding {@code modelId}, as {@code base} sees it; empty when nobody does. */
    static List<String> holders(String base, String modelId) {
        Http.Reply r = model(base, modelId);
        return r.ok() ? Json.strings(r.json().get("holders")) : List.of();
    }

    static List<String> liveHolders(String base, String modelId) {
        Http.Reply r = model(base, modelId);
        return r.ok() ? Json.strings(r.json().get("liveHolders")) : List.of();
    }

    static List<String> modelIds(String base) {
        List<String> out = new ArrayList<>();
        models(base).forEach(m -> out.add(m.get("modelId").asString()));
        return out;
    }

    /**
     * The model ids once presence has caught up with the fits just answered: a learner announces a
     * new member with its next heartbeat, up to a second after the fit's answer. Read until two
     * reads a heartbeat apart agree.
     */
    static List<String> settledModelIds(String base) {
        List<String> last = modelIds(base);
        for (int i = 0; i < 20; i++) {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            List<String> now = modelIds(base);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the model list did not settle in 30 s: " + last);
    }

    /**
     * The sum of every series of a Prometheus metric (any labels) at {@code base/actuator/prometheus};
     * 0 when the metric does not exist yet (counters appear on first use).
     */
    static double metric(String base, String name) {
        Http.Reply r = Http.get(base + "/actuator/prometheus");
        if (!r.ok()) {
            throw new IllegalStateException("cannot scrape " + base + ": " + r);
        }
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int cut = line.lastIndexOf(' ');
            if (cut < 0) {
                continue;
            }
            String series = line.substring(0, cut);
            String metric = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (metric.equals(name)) {
                sum += Double.parseDouble(line.substring(cut + 1));
            }
        }
        return sum;
    }

    private static JsonNode require(Http.Reply r) {
        if (!r.ok() || r.json() == null) {
            throw new IllegalStateException("unexpected answer: " + r);
        }
        return r.json();
    }
}
