package org.mlensemble.api;

import java.time.Clock;
import java.time.Duration;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.api.stats.BrokerOverview;
import org.mlensemble.api.stats.RequestStats;
import org.mlensemble.api.stats.StatsProperties;
import org.mlensemble.api.system.ApiKeys;
import org.mlensemble.api.system.ApiProperties;
import org.mlensemble.api.system.Deadlines;
import org.mlensemble.api.system.ObservedSlice;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** What an HTTP slice test needs beside the controllers: the properties, and an in-memory ensemble. */
@TestConfiguration
@EnableConfigurationProperties({ApiProperties.class, StatsProperties.class})
@Import({Deadlines.class, ApiKeys.class, ObservedSlice.class, RequestStats.class, BrokerOverview.class})
public class WebSliceConfig {

    @Bean
    FakeEnsemble ensemble() {
        return new FakeEnsemble();
    }

    @Bean
    FakeDatasets datasets() {
        return new FakeDatasets();
    }

    @Bean
    io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Membership membership() {
        return new Membership(Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofMinutes(30));
    }
}
