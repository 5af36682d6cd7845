package org.mlensemble.api.stats;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.ManualClock;
import org.mlensemble.api.system.ApiProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class RequestStatsTest {

    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100)};

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock();
    private RequestStats stats;

    @AfterEach
    void stop() {
        if (stats != null) {
            stats.destroy();
        }
    }

    private Timer timer(String endpoint) {
        return Timer.builder("ml.api.requests").tag("endpoint", endpoint).tag("status", "200")
                .serviceLevelObjectives(BUCKETS).register(meters);
    }

    private RequestStats stats() {
        StatsProperties props = new StatsProperties(Duration.ofHours(1), 3, "http://127.0.0.1:1", "", "",
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        ApiProperties api = new Binder(new MapConfigurationPropertySource(Map.of("ml.api.instance-name", "api-7")))
                .bindOrCreate("ml.api", ApiProperties.class);
        return new RequestStats(meters, clock, props, api);
    }

    @Test
    void aSampleHoldsTheRateAndPercentilesOfItsIntervalOnly() {
        Timer predict = timer("predict");
        Timer own = timer("stats");
        for (int i = 0; i < 50; i++) {
            predict.record(Duration.ofMillis(200)); // before the first reading: not in any interval
        }
        stats = stats();
        // 100 requests in 10 s: 90 between 5 and 10 ms, 10 between 50 and 100 ms
        for (int i = 0; i < 90; i++) {
            predict.record(Duration.ofMillis(7));
        }
        for (int i = 0; i < 10; i++) {
            predict.record(Duration.ofMillis(70));
        }
        for (int i = 0; i < 40; i++) {
            own.record(Duration.ofMillis(1)); // the dashboard polling itself is not traffic
        }
        meters.counter("ml.api.learner.replies.missing", "learner", "learner-2").increment(3);
        clock.advance(Duration.ofSeconds(10));
        stats.sample();

        RequestStats.Sample s = stats.series().samples().get(0);
        assertThat(stats.series().instance()).isEqualTo("api-7");
        assertThat(s.requestsPerSecond()).isEqualTo(10.0);
        // rank 50 of 100 falls in the 5-10 ms bucket (90 there): 5 + 5 * 50/90
        assertThat(s.p50Ms()).isEqualTo(7.78);
        // rank 99 is in the 50-100 ms bucket: 50 + 50 * (99 - 90) / 10
        assertThat(s.p99Ms()).isEqualTo(95.0);
        assertThat(s.missingReplies()).isEqualTo(Map.of("learner-2", 3L));
        assertThat(s.at()).isEqualTo("2026-12-01T12:00:10Z");
    }

    @Test
    void anIdleIntervalHasNoPercentilesAndTheRingKeepsTheNewest() {
        timer("predict");
        stats = stats();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(5));
            stats.sample();
        }
        List<RequestStats.Sample> samples = stats.series().samples();
        assertThat(samples).hasSize(3);
        assertThat(samples.get(2).at()).isEqualTo("2026-12-01T12:00:25Z");
        assertThat(samples.get(2).requestsPerSecond()).isZero();
        assertThat(samples.get(2).p50Ms()).isNull();
    }

    @Test
    void aLatencyPastTheLastBucketIsReportedAsThatBucket() {
        long[] atOrBelow = {0, 0, 1};
        assertThat(RequestStats.Percentiles.of(new double[] {5, 10, 25}, atOrBelow, 4, 0.99)).isEqualTo(25.0);
        assertThat(RequestStats.Percentiles.of(new double[] {5, 10, 25}, atOrBelow, 0, 0.5)).isNull();
    }

    @Test
    void theBrokersQueuesAreThisClustersAndConnectionsGoByTheirClientNames() {
        BrokerOverview overview = new BrokerOverview(new StatsProperties(Duration.ofSeconds(5), 10,
                "http://127.0.0.1:1", "", "", Duration.ofSeconds(1), Duration.ofSeconds(1)), clock, "ml", "ml", "u",
                "p");
        JsonNode queues = org.mlensemble.common.messaging.MessageCodec.mapper().readTree("""
                [{"name": "ml.learner.learner-2", "type": "classic", "messages": 7, "messages_ready": 5,
                  "messages_unacknowledged": 2, "consumers": 4},
                 {"name": "other.queue", "messages": 1},
                 {"name": "ml.dead-letter", "type": "classic", "messages": 0, "consumers": 0}]""");
        assertThat(overview.queues(queues)).containsExactly(
                new BrokerOverview.Queue("ml.dead-letter", "classic", 0, 0, 0, 0),
                new BrokerOverview.Queue("ml.learner.learner-2", "classic", 7, 5, 2, 4));
        JsonNode connections = org.mlensemble.common.messaging.MessageCodec.mapper().readTree("""
                [{"name": "127.0.0.1:50000 -> 127.0.0.1:5672", "user": "ml-api", "state": "running",
                  "client_properties": {"connection_name": "api-1 scatter-gather"}}]""");
        assertThat(BrokerOverview.connections(connections)).containsExactly(
                new BrokerOverview.Connection("api-1 scatter-gather", "ml-api", "running"));
    }

    @Test
    void anUnreachableManagementApiIsAnAnswerThatSaysSo() {
        BrokerOverview overview = new BrokerOverview(new StatsProperties(Duration.ofSeconds(5), 10,
                "http://127.0.0.1:1", "", "", Duration.ofSeconds(1), Duration.ofSeconds(1)), clock, "ml", "ml", "u",
                "secret-password");
        BrokerOverview.Overview o = overview.now();
        assertThat(o.reachable()).isFalse();
        assertThat(o.problem()).contains("http://127.0.0.1:1");
        assertThat(o.toString()).doesNotContain("secret-password");
        assertThat(o.queues()).isEmpty();
    }
}
