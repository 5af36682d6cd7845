package org.mlensemble.api.system;

import java.time.Duration;
import org.springframework.stereotype.Component;

/** Turns the optional per-request deadline and quorum into validated values. */
@Component
public class Deadlines {

    private final ApiProperties props;

    Deadlines(ApiProperties props) {
        this.props = props;
    }

    public Duration deadline(Long deadlineMs, Duration fallback) {
        if (deadlineMs == null) {
            return fallback;
        }
        if (deadlineMs < 1 || deadlineMs > props.maxDeadline().toMillis()) {
            throw ApiProblem.badRequest("deadlineMs must be between 1 and " + props.maxDeadline().toMillis()
                    + ", got " + deadlineMs);
        }
        return Duration.ofMillis(deadlineMs);
    }

    public int quorum(Integer quorum) {
        if (quorum == null) {
            return props.quorum();
        }
        if (quorum < 1 || quorum > 1000) {
            throw ApiProblem.badRequest("quorum must be between 1 and 1000, got " + quorum);
        }
        return quorum;
    }

    public ApiProperties props() {
        return props;
    }
}
