package org.mlensemble.api.system;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.messaging.ModelRemoval;
import org.springframework.http.HttpStatus;

/**
 * A request that cannot be served as asked, with a message the user can act on. Its title names
 * the problem type and never varies for one type (RFC 9457); the {@code type} URI is derived from
 * it ({@link #typeOf}).
 */
public class ApiProblem extends RuntimeException {

    /** Every problem type URI starts with this; the README lists the types. */
    public static final String TYPE_PREFIX = "urn:ml-ensemble:problem:";

    private final HttpStatus status;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public ApiProblem(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    /** The type URI of a problem titled {@code title}: {@code urn:ml-ensemble:problem:unknown-model}. */
    public static String typeOf(String title) {
        return TYPE_PREFIX + title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "Bad request", detail);
    }

    public static ApiProblem noModel() {
        return new ApiProblem(HttpStatus.CONFLICT, "No model yet",
                "No model has been trained yet: call POST /v1/ml-distributed/fit first.");
    }

    public static ApiProblem unknownModel(String modelId) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "Unknown model",
                "No known learner holds model '" + modelId + "', and none remembers removing it;"
                        + " GET /v1/ml-distributed/models lists the models.");
    }

    /** A 404 for a model that existed: deleted on request, or removed by a learner's retention. */
    public static ApiProblem removedModel(ModelRemoval removal) {
        String when = Instant.ofEpochMilli(removal.removedAt()).toString();
        String why = switch (removal.cause()) {
            case ModelRemoval.DELETED -> "was deleted at " + when + " (DELETE /v1/ml-distributed/models/"
                    + removal.modelId() + ")";
            case ModelRemoval.RETENTION_AGE -> "was removed by retention at " + when + ": it was older than the"
                    + " learners keep (ml.learner.retention-max-age); pin a model to keep it";
            default -> "was removed by retention at " + when + ": the learners keep the newest"
                    + " ml.learner.retention models; pin a model to keep it";
        };
        ApiProblem p = new ApiProblem(HttpStatus.NOT_FOUND, "Model removed",
                "Model '" + removal.modelId() + "' " + why + ".");
        p.properties.put("modelId", removal.modelId());
        p.properties.put("cause", removal.cause());
        p.properties.put("removedAt", when);
        return p;
    }

    /** A 409: the request fits several models equally, listed in {@code candidates}. */
    public static ApiProblem ambiguousModel(String detail, List<String> candidates) {
        ApiProblem p = new ApiProblem(HttpStatus.CONFLICT, "Ambiguous default model", detail);
        p.properties.put("candidates", List.copyOf(candidates));
        return p;
    }

    public static ApiProblem unavailable(String detail) {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "Ensemble unavailable", detail);
    }

    public static ApiProblem tooLarge(String detail) {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Extension members of the problem body (RFC 9457 section 3.2). */
    public Map<String, Object> properties() {
        return properties;
    }
}
