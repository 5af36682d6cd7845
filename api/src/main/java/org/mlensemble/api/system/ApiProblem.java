package org.mlensemble.api.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request the web edge (controllers, request parsing) cannot accept, with a message the user can
 * act on; the domain throws its own exceptions, which {@link ProblemHandler} maps. Its title names
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
