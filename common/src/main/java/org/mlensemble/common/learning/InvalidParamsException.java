package org.mlensemble.common.learning;

/** A fit request names an unknown algorithm or gives a parameter it cannot use. */
public class InvalidParamsException extends IllegalArgumentException {

    public InvalidParamsException(String message) {
        super(message);
    }
}
