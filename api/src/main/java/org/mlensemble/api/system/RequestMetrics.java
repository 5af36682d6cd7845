package org.mlensemble.api.system;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/**
 * {@code ml_api_requests_seconds{endpoint,status}}: requests and latency per endpoint, recorded by
 * Spring's own HTTP server observation (which ends when the asynchronous answer is written, not
 * when the request thread lets go) under the name and tags the README documents. Only requests
 * under {@code /v1/ml-distributed/} are observed.
 */
@Configuration(proxyBeanMethods = false)
class RequestMetrics {

    static final String NAME = "ml.api.requests";
    private static final String API = "/v1/ml-distributed/";

    @Bean
    ServerRequestObservationConvention apiRequests() {
        return new DefaultServerRequestObservationConvention(NAME) {
            @Override
            public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
                return KeyValues.of("endpoint", endpoint(context.getCarrier().getRequestURI()),
                        "status", Integer.toString(context.getResponse().getStatus()));
            }

            @Override
            public KeyValues getHighCardinalityKeyValues(ServerRequestObservationContext context) {
                return KeyValues.empty();
            }
        };
    }

    @Bean
    ObservationPredicate onlyApiRequests() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext c)
                || c.getCarrier().getRequestURI().startsWith(API);
    }

    /** A small, fixed set of tag values: never the raw path, which holds model ids. */
    static String endpoint(String path) {
        String rest = path.startsWith(API) ? path.substring(API.length()) : "";
        if (rest.startsWith("fit/jobs/")) {
            return "fit-status";
        }
        if (rest.startsWith("models/")) {
            return "model";
        }
        return switch (rest) {
            case "fit", "predict", "evaluate", "models", "learners", "ping", "stats", "broker" -> rest;
            default -> "other";
        };
    }
}
