package org.mlensemble.api.ensemble;

/** A predict or evaluate names no model, and no model that could serve it has been trained. */
public class NoModelException extends RuntimeException {

    /** No model at all. */
    public NoModelException() {
        this("No model has been trained yet: call POST /v1/ml-distributed/fit first.");
    }

    public NoModelException(String detail) {
        super(detail);
    }
}
