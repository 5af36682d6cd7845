package org.mlensemble.api.stats;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What {@code GET /v1/ml-distributed/stats} keeps and where {@code GET /v1/ml-distributed/broker}
 * asks.
 *
 * @param interval           how often this instance samples its own meters
 * @param samples            samples kept (120 of 5 s: the last 10 minutes)
 * @param managementUrl      the broker's management HTTP API; asked by the api, never by a browser
 * @param managementUsername its login; empty: the api's own broker login ({@code spring.rabbitmq.username}),
 *                           which needs the {@code management} or {@code monitoring} tag to be let in
 * @param managementPassword its password; empty: the api's own ({@code spring.rabbitmq.password})
 * @param managementTimeout  how long one question to the management API may take
 * @param managementCache    answers are reused this long, however many dashboards poll
 */
@Validated
@ConfigurationProperties("ml.api.stats")
public record StatsProperties(
        @DefaultValue("5s") @NotNull Duration interval,
        @DefaultValue("120") @Min(2) @Max(10_000) int samples,
        @DefaultValue("http://127.0.0.1:15672") @NotNull String managementUrl,
        @DefaultValue("") String managementUsername,
        @DefaultValue("") String managementPassword,
        @DefaultValue("2s") @NotNull Duration managementTimeout,
        @DefaultValue("2s") @NotNull Duration managementCache) {
}
