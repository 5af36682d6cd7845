package org.mlensemble.api.ensemble;

import java.util.List;

/** A request that names no model fits the newest models of several datasets alike. */
public class AmbiguousModelException extends RuntimeException {

    private final List<String> candidates;

    public AmbiguousModelException(String detail, List<String> candidates) {
        super(detail);
        this.candidates = List.copyOf(candidates);
    }

    /** The model ids the request fits equally. */
    public List<String> candidates() {
        return candidates;
    }
}
