package org.mlensemble.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void everyNameDerivesFromThePrefix() {
        Topology t = new Topology("mle-test_1");

        assertThat(t.jobsExchange()).isEqualTo("mle-test_1.jobs");
        assertThat(t.learnerQueue("learner-a")).isEqualTo("mle-test_1.learner.learner-a");
        assertThat(t.deadLetterExchange()).isEqualTo("mle-test_1.dlx");
        assertThat(t.deadLetterQueue()).isEqualTo("mle-test_1.dead-letter");
        assertThat(t.presenceExchange()).isEqualTo("mle-test_1.presence");
        assertThat(t.presenceQueuePrefix()).isEqualTo("mle-test_1.presence.");
        assertThat(t.syncExchange()).isEqualTo("mle-test_1.sync");
        assertThat(t.syncQueue("learner-a")).isEqualTo("mle-test_1.sync.learner-a");
        assertThat(t.syncShardKey("A")).isEqualTo("shard.A");
        assertThat(t.syncLearnerKey("learner-a")).isEqualTo("learner.learner-a");
    }

    @Test
    void deadLetterBindingsMatchTheirXHeadersSoExpiredJobsAreNotKept() {
        assertThat(Topology.deadLetterBindings()).allSatisfy(b -> assertThat(b.get("x-match")).isEqualTo("all-with-x"));
        assertThat(Topology.deadLetterBindings()).extracting(b -> b.get("x-first-death-reason"))
                .containsExactlyInAnyOrder("rejected", "delivery_limit");
        assertThat(Topology.deadLetterBindings()).doesNotContain(Topology.legacyDeadLetterBinding());
    }

    @Test
    void syncQueueRefusesAnUnsafeLearnerId() {
        assertThrows(IllegalArgumentException.class, () -> new Topology("ml").syncQueue("../x"));
    }

    @Test
    void datasetStreamsAreNamedPerUploadAndPartAndRefuseUnsafeParts() {
        Topology t = new Topology("ml");
        assertThat(t.datasetStream("houses", "u1", "A")).isEqualTo("ml.dataset.houses.u1.A");
        assertThat(t.datasetStream("houses", "u1", "test")).isEqualTo("ml.dataset.houses.u1.test");
        assertThrows(IllegalArgumentException.class, () -> t.datasetStream("../x", "u1", "A"));
        assertThrows(IllegalArgumentException.class, () -> t.datasetStream("x", "u/1", "A"));
    }

    @Test
    void differentPrefixesGiveDisjointNames() {
        Topology a = new Topology("a");
        Topology b = new Topology("b");

        assertThat(a.jobsExchange()).isNotEqualTo(b.jobsExchange());
        assertThat(a.learnerQueue("x")).isNotEqualTo(b.learnerQueue("x"));
    }

    @Test
    void unsafePrefixIsRefused() {
        for (String bad : List.of("", ".hidden", "-dash", "has space", "a/b", "a..b", "amq*", "x".repeat(65))) {
            assertThrows(IllegalArgumentException.class, () -> new Topology(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> new Topology(null));
    }

    @Test
    void longestSafePrefixIsAccepted() {
        assertThat(new Topology("x".repeat(64)).jobsExchange()).startsWith("x".repeat(64));
    }

    @Test
    void unsafeLearnerIdIsRefused() {
        Topology t = new Topology("mle");

        for (String bad : List.of("", "../etc", "a..b", "a b", "#", ".a")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.learnerQueue(bad), bad);
            assertThat(e).hasMessageContaining("learner id");
        }
    }
}
