package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlensemble.api.WebSliceConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

/** Without a key the firewall and the headers apply just the same, and the seed's paths pass. */
@WebMvcTest
@Import(WebSliceConfig.class)
class PathFirewallTest {

    @Autowired
    MockMvc mvc;

    @ParameterizedTest
    @ValueSource(strings = {"/v1;x/ml-distributed/predict", "/%761/ml-distributed/learners", "/v1\\x", "//v1",
        "/v1//x", "/v1/./x", "/v1/../x", "/v1/..", "/v1/.", "x", ""})
    void oddPathsAreRefused(String raw) {
        assertThat(PathFirewall.refusal(raw)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1/ml-distributed/predict", "/v1/ml-distributed/models/m-1.2_x",
        "/swagger-ui/index.html", "/v1/ml-distributed/fit/jobs/abc-123", "/x/.hidden", "/x/..y"})
    void plainPathsPass(String raw) {
        assertThat(PathFirewall.refusal(raw)).isNull();
    }

    @Test
    void withoutAKeyTheSeedsPathsStillAnswerAndCarryTheSecurityHeaders() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping"))
                .andExpect(status().isOk())
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().string("Referrer-Policy", "no-referrer"))
                .andExpect(header().exists("Content-Security-Policy"));
    }
}
