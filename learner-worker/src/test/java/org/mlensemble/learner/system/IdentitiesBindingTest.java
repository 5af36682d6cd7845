package org.mlensemble.learner.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.Identities;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.mock.env.MockEnvironment;

/** {@code ml.identity.*} bound onto common's plain {@link Identities}, with its defaults and checks. */
class IdentitiesBindingTest {

    private final LearnerConfiguration config = new LearnerConfiguration();

    @Test
    void nothingSetGivesTheDefaults() {
        assertThat(config.identities(new MockEnvironment())).isEqualTo(Identities.defaults());
    }

    @Test
    void whatIsSetWinsAndWhatIsNotKeepsItsDefault() {
        Identities bound = config.identities(new MockEnvironment().withProperty("ml.identity.api-users", "api-a,api-b"));

        assertThat(bound.apiUsers()).isEqualTo(Set.of("api-a", "api-b"));
        assertThat(bound.learnerUser()).isEqualTo(Identities.DEFAULT_LEARNER_USER);
        assertThat(config.identities(new MockEnvironment().withProperty("ml.identity.learner-user", "ci-{id}"))
                .learnerUser("learner-3")).isEqualTo("ci-learner-3");
    }

    @Test
    void aBlankLearnerUserStopsTheStart() {
        BindException e = assertThrows(BindException.class,
                () -> config.identities(new MockEnvironment().withProperty("ml.identity.learner-user", " ")));

        assertThat(e).hasRootCauseMessage("the learner broker user must not be blank");
    }
}
