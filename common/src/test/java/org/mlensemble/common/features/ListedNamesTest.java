package org.mlensemble.common.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListedNamesTest {

    @Test
    void aShortListIsShownWhole() {
        assertThat(ListedNames.list(List.of("a", "b"))).isEqualTo("[a, b]");
    }

    @Test
    void aLongListShowsThirtyNamesThenHowManyMore() {
        List<String> names = IntStream.range(0, 50_000).mapToObj(i -> "c" + i).toList();
        String listed = ListedNames.list(names);
        assertThat(listed).startsWith("[c0, c1,").contains("c29]").doesNotContain("c30")
                .endsWith(" and 49970 more");
    }

    @Test
    void aVeryLongNameIsCut() {
        String listed = ListedNames.list(List.of("x".repeat(10_000)));
        assertThat(listed).hasSize(ListedNames.MAX_LENGTH + 3);
    }
}
