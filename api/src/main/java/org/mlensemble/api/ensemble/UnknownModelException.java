package org.mlensemble.api.ensemble;

/** No known learner holds the model asked for, and none remembers removing it. */
public class UnknownModelException extends RuntimeException {

    private final String modelId;

    public UnknownModelException(String modelId) {
        super("No known learner holds model '" + modelId + "', and none remembers removing it;"
                + " GET /v1/ml-distributed/models lists the models.");
        this.modelId = modelId;
    }

    public String modelId() {
        return modelId;
    }
}
