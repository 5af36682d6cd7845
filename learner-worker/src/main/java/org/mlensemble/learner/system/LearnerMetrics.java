package org.mlensemble.learner.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.ReplyStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A learner's metrics in one place: what each means (Prometheus' {@code # HELP}) and every
 * documented series registered at start-up, so a dashboard or an alert sees 0 rather than
 * nothing until the first event.
 */
@Configuration(proxyBeanMethods = false)
public class LearnerMetrics {

    static final Map<String, String> HELP = Map.of(
            "ml.learner.jobs", "Jobs answered, by job and reply status",
            "ml.learner.jobs.expired", "Jobs skipped because their deadline had passed when they were taken",
            "ml.learner.jobs.dead.lettered", "Jobs that could not be read, dead-lettered without requeue",
            "ml.learner.jobs.forged", "Jobs not published by an api login, dead-lettered",
            "ml.learner.jobs.out.of.memory", "Jobs that ran out of heap; the learner went on serving",
            "ml.learner.training", "Time to train one member, by algorithm",
            "ml.learner.training.rows", "Rows one member was trained on",
            "ml.learner.sync", "Start-up sync from the replicas of the shard",
            "ml.learner.sync.fetched", "Bytes copied from replicas at start-up");

    /** Descriptions for every meter of the catalogue that has none. */
    @Bean
    public MeterFilter learnerMeterCatalogue() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String help = HELP.get(id.getName());
                return help == null || id.getDescription() != null ? id
                        : new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help,
                                id.getType());
            }
        };
    }

    /** Registers every documented series at 0. */
    @Bean
    public MeterBinder learnerMetersAtZero() {
        return LearnerMetrics::registerAtZero;
    }

    static void registerAtZero(MeterRegistry meters) {
        for (JobType job : JobType.values()) {
            for (ReplyStatus status : ReplyStatus.values()) {
                Counter.builder("ml.learner.jobs").tag("job", job.wireName()).tag("status", status.name().toLowerCase())
                        .register(meters);
            }
            Counter.builder("ml.learner.jobs.expired").tag("job", job.wireName()).register(meters);
            Counter.builder("ml.learner.jobs.out.of.memory").tag("job", job.wireName()).register(meters);
        }
        Counter.builder("ml.learner.jobs.dead.lettered").register(meters);
        Counter.builder("ml.learner.jobs.forged").register(meters);
        for (Algorithm algorithm : Algorithm.values()) {
            Timer.builder("ml.learner.training").tag("algorithm", algorithm.wireName()).register(meters);
        }
        DistributionSummary.builder("ml.learner.training.rows").register(meters);
    }
}
