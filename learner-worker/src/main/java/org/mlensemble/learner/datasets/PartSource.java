package org.mlensemble.learner.datasets;

import java.io.IOException;
import java.time.Duration;
import org.mlensemble.common.messaging.DatasetPartEnd;

/** Where the parts of an upload are read from: the broker's streams, or a test's fake. */
public interface PartSource {

    /** Receives one part's messages, in order. */
    interface Sink {
        void chunk(byte[] body, long rows) throws IOException;
    }

    /**
     * Reads {@code stream} from its start into {@code sink} until its end marker, and returns the
     * marker.
     *
     * @throws IOException when the stream cannot be read or has no marker within {@code timeout}
     */
    DatasetPartEnd read(String stream, Sink sink, Duration timeout) throws IOException;
}
