package org.mlensemble.api.system;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * An HTTP slice test leaves Boot's observation set-up out; this puts back what records the
 * request metrics (the observation filter with the api's convention, timers in the meter registry),
 * as the application has it.
 */
@TestConfiguration
@Import(RequestMetrics.class)
public class ObservedSlice {

    @Bean
    ObservationRegistry observationRegistry(MeterRegistry meters, ObservationPredicate onlyApiRequests) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters))
                .observationPredicate(onlyApiRequests);
        return registry;
    }

    @Bean
    ServerHttpObservationFilter observationFilter(ObservationRegistry registry,
            ServerRequestObservationConvention apiRequests) {
        return new ServerHttpObservationFilter(registry, apiRequests);
    }
}
