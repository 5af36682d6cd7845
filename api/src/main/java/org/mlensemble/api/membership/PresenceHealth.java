package org.mlensemble.api.membership;

import org.mlensemble.api.gather.ScatterGather;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Ready means the broker connection is up and presence has been heard, so answers are informed. */
@Component("presence")
class PresenceHealth implements HealthIndicator {

    private final ScatterGather scatterGather;
    private final Membership membership;

    PresenceHealth(ScatterGather scatterGather, Membership membership) {
        this.scatterGather = scatterGather;
        this.membership = membership;
    }

    @Override
    public Health health() {
        if (!scatterGather.connected()) {
            scatterGather.connect();
        }
        if (!scatterGather.connected()) {
            return Health.down().withDetail("reason", "no broker connection").build();
        }
        if (!membership.heardAny()) {
            return Health.down().withDetail("reason", "no learner heartbeat heard yet").build();
        }
        return Health.up().withDetail("liveLearners", membership.live().size()).build();
    }
}
