package org.mlensemble.learner.sync;

/** A peer could not give what was asked: no answer, not held, or not what its inventory said. */
final class SyncException extends Exception {

    SyncException(String message) {
        super(message);
    }
}
