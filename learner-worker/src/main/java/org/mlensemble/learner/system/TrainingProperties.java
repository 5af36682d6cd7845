package org.mlensemble.learner.system;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much of the host a native training (XGBoost) may use.
 *
 * @param threads        threads per training; 0 sizes it from the host: the cores divided by the
 *                       learners on it, at least 1. OpenMP threads beyond the free cores spin and
 *                       slow every learner on the host, so learners that share one must share its
 *                       cores. The result does not depend on it: the trees are the same for any count
 * @param learnersOnHost learners started on this host (bin/mlcluster passes how many it starts)
 */
@Validated
@ConfigurationProperties("ml.learner.training")
public record TrainingProperties(@DefaultValue("0") @Min(0) int threads, @DefaultValue("1") @Min(1) int learnersOnHost) {

    public int effectiveThreads(int cores) {
        return threads > 0 ? threads : Math.max(1, cores / learnersOnHost);
    }
}
