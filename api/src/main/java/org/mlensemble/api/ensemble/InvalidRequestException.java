package org.mlensemble.api.ensemble;

/**
 * The request cannot be served as asked, whatever the cluster's state: a quorum above the shards
 * there are, columns no model knows, a request every learner rejected for the same reason.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String detail) {
        super(detail);
    }
}
