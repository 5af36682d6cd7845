package org.mlensemble.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentitiesTest {

    private final Identities rules = Identities.defaults();

    @Test
    void aLearnerLoginVouchesOnlyForItsOwnLearnerId() {
        assertTrue(rules.vouchesForLearner("ml-learner-learner-1", "learner-1"));
        assertFalse(rules.vouchesForLearner("ml-learner-learner-2", "learner-1"));
        assertFalse(rules.vouchesForLearner("ml-learner", "learner-1"));
        assertFalse(rules.vouchesForLearner("ml-api", "learner-1"));
        assertFalse(rules.vouchesForLearner(null, "learner-1"));
    }

    @Test
    void aLearnerIdThatIsNotASafeNameIsNeverVouchedFor() {
        String escape = "learner-1\u001b[2J";
        assertFalse(new Identities("guest", Set.of("guest")).vouchesForLearner("guest", escape));
        assertFalse(rules.vouchesForLearner("ml-learner-" + escape, escape));
    }

    @Test
    void onlyApiUsersMayIssueJobs() {
        assertTrue(rules.isApi("ml-api"));
        assertFalse(rules.isApi("ml-learner-learner-1"));
        assertFalse(rules.isApi("guest"));
        assertFalse(rules.isApi(null));
        assertTrue(new Identities("ml-learner-{id}", Set.of("ml-api", "ml-api-2")).isApi("ml-api-2"));
    }

    @Test
    void aPatternWithoutTheIdMeansOneSharedLogin() {
        Identities shared = new Identities("guest", Set.of("guest"));
        assertTrue(shared.shared());
        assertTrue(shared.vouchesForLearner("guest", "learner-7"));
        assertFalse(rules.shared());
        assertEquals("ml-learner-learner-3", rules.learnerUser("learner-3"));
    }

    @Test
    void refusesRulesWithoutAnApiUser() {
        assertThrows(IllegalArgumentException.class, () -> new Identities("ml-learner-{id}", Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new Identities(" ", Set.of("ml-api")));
    }
}
