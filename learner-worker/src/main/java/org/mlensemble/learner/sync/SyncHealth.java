package org.mlensemble.learner.sync;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The start-up sync's progress, as a detail of the learner's health. Always up: a learner that
 * syncs still serves what it holds, and readiness is about taking jobs.
 */
@Component("replicaSync")
class SyncHealth implements HealthIndicator {

    private final SyncState state;

    SyncHealth(SyncState state) {
        this.state = state;
    }

    @Override
    public Health health() {
        return Health.up().withDetails(state.snapshot()).build();
    }
}
