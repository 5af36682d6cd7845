package org.mlensemble.common.messaging;

/** A message body or header that cannot be understood. Such a message is dead-lettered, never retried. */
public class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String message) {
        super(message);
    }
}
