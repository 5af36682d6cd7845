package org.mlensemble.common.features;

/**
 * The data or the request does not fit the model: an unknown target or column, a value of the
 * wrong type, an empty shard. The message tells the user what to change; it maps to HTTP 400.
 */
public class DataException extends IllegalArgumentException {

    public DataException(String message) {
        super(message);
    }
}
