package org.mlensemble.learner.datasets;

import com.rabbitmq.client.ConnectionFactory;

/** The broker-backed {@link PartSource}, for the learner's configuration. */
public final class StreamPartSources {

    private StreamPartSources() {
    }

    public static PartSource of(ConnectionFactory factory) {
        return new StreamPartSource(factory);
    }
}
