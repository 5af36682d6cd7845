package org.mlensemble.api.datasets;

/** No known learner holds the dataset asked for. */
public class UnknownDatasetException extends RuntimeException {

    public UnknownDatasetException(String name) {
        super("No known learner holds dataset '" + name + "'; GET /v1/ml-distributed/datasets lists them.");
    }
}
