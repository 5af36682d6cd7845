package org.mlensemble.api.ensemble;

/**
 * The request was fine but the cluster could not serve it now: too few members answered before
 * the deadline, the broker did not take the job, no live learner confirmed a change. A retry may
 * succeed.
 */
public class EnsembleUnavailableException extends RuntimeException {

    public EnsembleUnavailableException(String detail) {
        super(detail);
    }
}
