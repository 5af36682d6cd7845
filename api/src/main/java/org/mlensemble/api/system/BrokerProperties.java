package org.mlensemble.api.system;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** @param prefix prefix of every broker name, so several clusters and test runs can share a broker */
@Validated
@ConfigurationProperties("ml")
public record BrokerProperties(@DefaultValue("ml") @NotBlank String prefix) {
}
