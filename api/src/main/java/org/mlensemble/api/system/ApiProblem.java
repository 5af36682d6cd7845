package org.mlensemble.api.system;

import org.springframework.http.HttpStatus;

/** A request that cannot be served as asked, with a message the user can act on. */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String title;

    public ApiProblem(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
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
                "No live learner holds model '" + modelId + "'; GET /v1/ml-distributed/models lists the models.");
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
}
