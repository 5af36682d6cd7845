package org.mlensemble.api.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.membership.Heartbeats;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.messaging.ModelIds;

class ModelIdMinterTest {

    private final Membership membership = new Membership(Clock.systemUTC(), Duration.ofSeconds(5),
            Duration.ofMinutes(5));
    private final ModelIdMinter minter = new ModelIdMinter(membership);

    @Test
    void withoutAKeyEveryFitGetsAFreshWellFormedId() {
        long now = Instant.parse("2026-12-01T05:02:34Z").toEpochMilli();

        String a = minter.mint(null, now);
        assertThat(ModelIds.isWellFormed(a)).isTrue();
        assertThat(a).startsWith("m-20261201-050234-").isNotEqualTo(minter.mint(null, now));
    }

    @Test
    void theSameKeyNamesTheSameModelOnAnyInstance() {
        long now = Instant.parse("2026-12-01T05:02:34Z").toEpochMilli();

        assertThat(new ModelIdMinter(membership).mint("nightly-1", now)).isEqualTo(minter.mint("nightly-1", now));
    }

    @Test
    void aKeyInTheIdFormIsTheModelIdAndAnyOtherKeyIsHashedIntoTheSameTimeSortableForm() {
        long now = Instant.parse("2026-12-01T05:02:34Z").toEpochMilli();

        assertThat(minter.keyed("m-20261201-050234-7132e9", now)).isEqualTo("m-20261201-050234-7132e9");
        String keyed = minter.keyed("nightly-1", now);
        assertThat(keyed).matches("m-20261201-050234-k[0-9a-f]{16}");
        assertThat(ModelIds.isWellFormed(keyed)).isTrue();
    }

    @Test
    void aRetryWithTheSameKeyFindsTheFirstAttemptsModelInPresence() {
        long first = Instant.parse("2026-12-01T05:02:34Z").toEpochMilli();
        String id = minter.keyed("nightly-1", first);
        membership.onHeartbeat(Heartbeats.of("learner-2", "B", "i-2", 2, "m-1", id));

        assertThat(minter.keyed("nightly-1", first + 60_000)).isEqualTo(id);
    }
}
