package org.mlensemble.api.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param prefix             prefix of every broker name, so several clusters and test runs can share a broker
 * @param jobConfirmTimeout  a job the broker has not confirmed by then fails its request with a 503 (a broker
 *                           cluster that lost the majority of its nodes takes no job on its quorum queues)
 */
@Validated
@ConfigurationProperties("ml")
public record BrokerProperties(
        @DefaultValue("ml") @NotBlank String prefix,
        @DefaultValue("1s") @NotNull Duration jobConfirmTimeout) {
}
