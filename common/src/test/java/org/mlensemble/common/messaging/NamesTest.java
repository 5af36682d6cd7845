package org.mlensemble.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void typicalIdsAreSafe() {
        for (String ok : List.of("m-20261126-101010-abc123", "m-k0123456789abcdef", "house_pricing", "ames",
                "learner-1", "v1.2", "x".repeat(64))) {
            assertThat(Names.isSafeName(ok)).as(ok).isTrue();
        }
    }

    @Test
    void anythingThatCouldChooseAPathIsRefused() {
        for (String bad : List.of("", ".", "..", "a..b", "../x", "x/..", "a/b", "a\\b", "/etc", ".hidden", "-dash",
                "_under", "has space", "tab\t", "new\nline", "amq*", "q#", "x".repeat(65), "café", "modèle",
                "ｍ-1", "a\u0000b")) {
            assertThat(Names.isSafeName(bad)).as("'%s'", bad).isFalse();
        }
        assertThat(Names.isSafeName(null)).isFalse();
    }

    @Test
    void shardNamesAreSafeNamesOfAtMostSixteenCharacters() {
        for (String ok : List.of("A", "D", "east-1", "x".repeat(16))) {
            assertThat(Names.isShardName(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "../A", "A/B", "x".repeat(17), ".A")) {
            assertThat(Names.isShardName(bad)).as("'%s'", bad).isFalse();
        }
        assertThat(Names.isShardName(null)).isFalse();
    }
}
