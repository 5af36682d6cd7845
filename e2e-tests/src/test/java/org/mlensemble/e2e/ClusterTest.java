package org.mlensemble.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Base of every scenario: the shared cluster, brought back to its baseline (every part healthy with
 * default settings, both api instances seeing all four learners) before the scenario's first step.
 * The steps of one scenario share state and run in order (see junit-platform.properties).
 */
@ExtendWith(ClusterTest.SharedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterTest {

    protected E2eCluster cluster;

    @BeforeAll
    void baseline() {
        cluster = E2eCluster.get();
        cluster.ensureBaseline();
    }

    /** Starts the cluster once per run and takes it down when the whole run ends, failed or not. */
    static final class SharedCluster implements BeforeAllCallback {

        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedCluster.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            // an AutoCloseable in the root store is closed when the run ends
            context.getRoot().getStore(NS).computeIfAbsent("cluster", k -> E2eCluster.get(), E2eCluster.class);
        }
    }
}
