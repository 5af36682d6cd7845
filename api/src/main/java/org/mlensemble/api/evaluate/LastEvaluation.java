package org.mlensemble.api.evaluate;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.mlensemble.api.ensemble.EvaluateOutcome;
import org.springframework.stereotype.Component;

/** The most recent evaluation this instance served, for the dashboard. */
@Component
public class LastEvaluation {

    private final AtomicReference<EvaluateOutcome> last = new AtomicReference<>();

    void set(EvaluateOutcome outcome) {
        last.set(outcome);
    }

    public Optional<EvaluateOutcome> get() {
        return Optional.ofNullable(last.get());
    }
}
