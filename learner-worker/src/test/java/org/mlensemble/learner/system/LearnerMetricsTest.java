package org.mlensemble.learner.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What Prometheus scrapes from a fresh learner: every documented metric, at 0, with help text. */
class LearnerMetricsTest {

    @Test
    void everyDocumentedLearnerMetricIsThereAtZeroWithHelpText() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LearnerMetrics metrics = new LearnerMetrics();
        registry.config().meterFilter(metrics.learnerMeterCatalogue());
        metrics.learnerMetersAtZero().bindTo(registry);

        String text = registry.scrape();

        for (String name : List.of("ml_learner_jobs_total", "ml_learner_jobs_expired_total",
                "ml_learner_jobs_dead_lettered_total", "ml_learner_jobs_forged_total",
                "ml_learner_jobs_out_of_memory_total", "ml_learner_training_seconds", "ml_learner_training_rows")) {
            Matcher help = Pattern.compile("(?m)^# HELP " + name + " (.+)$").matcher(text);
            assertThat(help.find()).as(name + " with help text").isTrue();
        }
        assertThat(text).containsPattern("(?m)^ml_learner_jobs_expired_total\\{job=\"predict\"} 0\\.0$");
        assertThat(text).containsPattern("(?m)^ml_learner_jobs_dead_lettered_total 0\\.0$");
        assertThat(text).containsPattern("(?m)^ml_learner_jobs_total\\{job=\"delete_model\",status=\"ok\"} 0\\.0$");
    }
}
