package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.MemberInfo;
import tools.jackson.databind.json.JsonMapper;

class FiniteNumbersTest {

    private final JsonMapper json = JsonMapper.builder().addModule(FiniteNumbers.module()).build();

    @Test
    void aNonFiniteNumberIsWrittenAsNullNeverAsTheStringNaN() {
        MemberInfo info = new MemberInfo("m-1", "learner-1", "A", "house", "SalePrice", "linear", Map.of(), 7,
                "shard", 1, 2, 100, 10, 5, Double.NaN, Map.of());

        String out = json.writeValueAsString(Map.of("member", info, "r2", Double.POSITIVE_INFINITY, "rmse", 1.5));

        assertThat(out).contains("\"holdoutRmse\":null", "\"r2\":null", "\"rmse\":1.5").doesNotContain("NaN",
                "Infinity");
    }

    @Test
    void pointsInTimeAreIsoUtcStringsAndOtherLongsStayNumbers() {
        MemberInfo info = new MemberInfo("m-1", "learner-1", "A", "house", "SalePrice", "linear", Map.of(), 7,
                "shard", java.time.Instant.parse("2026-12-01T05:02:34.120Z").toEpochMilli(), 0, 100, 10, 891, 1.0,
                Map.of());

        String out = json.writeValueAsString(info);

        assertThat(out).contains("\"createdAt\":\"2026-12-01T05:02:34.120Z\"", "\"trainedAt\":null",
                "\"trainMs\":891", "\"seed\":7");
    }
}
