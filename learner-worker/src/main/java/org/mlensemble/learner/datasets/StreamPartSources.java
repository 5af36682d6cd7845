package org.mlensemble.learner.datasets;

import com.rabbitmq.client.ConnectionFactory;
import java.util.function.Predicate;

/** The broker-backed {@link PartSource}, for the learner's configuration. */
public final class StreamPartSources {

    private StreamPartSources() {
    }

    /** @param trustedPublisher which {@code user_id} may write a dataset stream: the api users */
    public static PartSource of(ConnectionFactory factory, Predicate<String> trustedPublisher) {
        return of(factory, trustedPublisher, "learner");
    }

    /** @param learnerId names the connections in the broker's UI: {@code learner-3 dataset <stream>} */
    public static PartSource of(ConnectionFactory factory, Predicate<String> trustedPublisher, String learnerId) {
        return new StreamPartSource(factory, trustedPublisher, learnerId);
    }
}
