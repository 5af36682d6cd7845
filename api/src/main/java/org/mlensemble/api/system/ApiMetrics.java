package org.mlensemble.api.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The api's metrics in one place: what each means (Prometheus' {@code # HELP}), the latency
 * histograms' buckets, and every documented series registered at start-up, so a dashboard or an
 * alert sees 0 rather than nothing until the first event.
 */
@Configuration(proxyBeanMethods = false)
class ApiMetrics {

    /** Bucket bounds of the request and gather latency histograms: fixed, so they aggregate across instances. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("ml.api.requests", "HTTP requests under /v1/ml-distributed by endpoint and status, until the"
                    + " answer is written"),
            Map.entry("ml.api.gather", "Scatter-gathers by job, from sending the job until the gather completed"),
            Map.entry("ml.api.members.used", "Members (shards) that made an answer, per gather"),
            Map.entry("ml.api.members.expected", "Members (shards) the ensemble had, per gather"),
            Map.entry("ml.api.replies.late", "Learner replies that arrived after their gather completed"),
            Map.entry("ml.api.replies.malformed", "Learner replies that could not be read"),
            Map.entry("ml.api.learner.replies.late", "Late replies by learner (those whose sender could be told)"),
            Map.entry("ml.api.learner.replies.missing", "Learners awaited by a gather that never answered it, by"
                    + " learner (no reply by the deadline, or lost on the way)"),
            Map.entry("ml.api.replies.hedged", "Replies of a replica whose shard another replica had served"),
            Map.entry("ml.api.replies.duplicate", "A second reply from the same learner to one job"),
            Map.entry("ml.api.replies.unexpected", "Replies from a learner the job was not sent to"),
            Map.entry("ml.api.replies.forged", "Replies whose broker login is not the learner they name"),
            Map.entry("ml.api.gathers.in.flight", "Scatter-gathers waiting for replies now"),
            Map.entry("ml.api.datasets.uploads", "Dataset uploads by outcome"),
            Map.entry("ml.api.datasets.rows", "Rows of the datasets stored"),
            Map.entry("ml.api.datasets.deletes", "Datasets deleted"),
            Map.entry("ml.api.predict.batch.requests", "Predict requests that shared one predict job"),
            Map.entry("ml.api.predict.batch.rows", "Rows of one shared predict job"),
            Map.entry("ml.api.predict.batch.splits", "Shared predict jobs split because they grew too large"),
            Map.entry("ml.api.heartbeats.malformed", "Learner heartbeats that could not be read"),
            Map.entry("ml.api.heartbeats.stale", "Heartbeats older than the one held for their learner"),
            Map.entry("ml.api.heartbeats.forged", "Heartbeats whose broker login is not the learner they name"),
            Map.entry("ml.api.learners.live", "Learners heard from within the liveness window"),
            Map.entry("ml.api.broker.unavailable", "Requests refused because the broker was unreachable"),
            Map.entry("ml.api.client.disconnects", "Clients that hung up before their answer was written"),
            Map.entry("ml.api.models.changes", "Model versions deleted, pinned or unpinned"));

    /** Descriptions for every meter of the catalogue, and the latency buckets. */
    @Bean
    MeterFilter apiMeterCatalogue() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().equals(RequestMetrics.NAME) && id.getTag("error") != null) {
                    // the observation handler tags every timer with its error; the status says it here
                    id = id.replaceTags(io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()).stream()
                            .filter(t -> !t.getKey().equals("error")).toList());
                }
                String help = HELP.get(id.getName());
                return help == null || id.getDescription() != null ? id
                        : new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                                id.getBaseUnit(), help, id.getType());
            }

            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("ml.api.requests") && !id.getName().equals("ml.api.gather")) {
                    return config;
                }
                double[] bounds = java.util.Arrays.stream(LATENCY_BUCKETS).mapToDouble(d -> d.toNanos()).toArray();
                return DistributionStatisticConfig.builder().percentilesHistogram(false)
                        .serviceLevelObjectives(bounds).build().merge(config);
            }
        };
    }

    /** Registers every documented series at 0. */
    @Bean
    MeterBinder apiMetersAtZero() {
        return ApiMetrics::registerAtZero;
    }

    private static void registerAtZero(MeterRegistry meters) {
        List.of("ml.api.replies.late", "ml.api.replies.malformed", "ml.api.replies.hedged", "ml.api.replies.duplicate",
                "ml.api.replies.unexpected", "ml.api.replies.forged", "ml.api.datasets.rows", "ml.api.datasets.deletes",
                "ml.api.predict.batch.splits", "ml.api.heartbeats.malformed", "ml.api.heartbeats.stale",
                "ml.api.heartbeats.forged", "ml.api.broker.unavailable", "ml.api.client.disconnects")
                .forEach(name -> Counter.builder(name).register(meters));
        List.of("stored", "rejected", "too_large", "spool_failed", "unconfirmed", "broker").forEach(
                outcome -> Counter.builder("ml.api.datasets.uploads").tag("outcome", outcome).register(meters));
        List.of("deleted", "pinned", "unpinned").forEach(
                action -> Counter.builder("ml.api.models.changes").tag("action", action).register(meters));
        List.of("ml.api.predict.batch.requests", "ml.api.predict.batch.rows")
                .forEach(name -> DistributionSummary.builder(name).register(meters));
        for (String job : List.of("fit", "predict", "evaluate")) {
            DistributionSummary.builder("ml.api.members.used").tag("job", job).register(meters);
            DistributionSummary.builder("ml.api.members.expected").tag("job", job).register(meters);
            Timer.builder("ml.api.gather").tag("job", job).register(meters);
        }
        for (String endpoint : List.of("fit", "predict", "evaluate")) {
            Timer.builder("ml.api.requests").tag("endpoint", endpoint).tag("status", "200").register(meters);
        }
    }
}
