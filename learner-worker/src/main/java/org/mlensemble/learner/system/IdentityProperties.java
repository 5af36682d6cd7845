package org.mlensemble.learner.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.Set;
import org.mlensemble.common.messaging.Identities;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which broker user may speak for whom (see {@link Identities}); the same keys in the api and the
 * learners.
 *
 * @param learnerUser the broker user of learner {@code {id}}; without {@code {id}} every learner
 *                    shares one login and no learner's identity is verified (tests only)
 * @param apiUsers    the broker users whose jobs learners obey
 */
@Validated
@ConfigurationProperties("ml.identity")
public record IdentityProperties(
        @DefaultValue(Identities.DEFAULT_LEARNER_USER) @NotBlank String learnerUser,
        @DefaultValue(Identities.DEFAULT_API_USER) @NotEmpty Set<String> apiUsers) {

    public Identities identities() {
        return new Identities(learnerUser, apiUsers);
    }
}
