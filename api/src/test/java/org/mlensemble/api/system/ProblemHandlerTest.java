package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlensemble.api.WebSliceConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/** A client that hangs up is counted and gets nothing; any other surprise is a logged 500. */
@WebMvcTest
@Import({WebSliceConfig.class, ProblemHandlerTest.Failing.class})
@ExtendWith(OutputCaptureExtension.class)
class ProblemHandlerTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    MeterRegistry meters;

    @RestController
    static class Failing {

        @GetMapping("/test/client-gone")
        String clientGone() throws IOException {
            throw new AsyncRequestNotUsableException("ServletOutputStream failed to write",
                    new IOException("Broken pipe"));
        }

        @GetMapping("/test/bug")
        String bug() {
            throw new IllegalStateException("a bug");
        }
    }

    @Test
    void aClientThatHungUpIsCountedNotLoggedAsAnError(CapturedOutput log) throws Exception {
        double before = meters.counter("ml.api.client.disconnects").count();

        mvc.perform(get("/test/client-gone")).andExpect(content().string(""));

        assertThat(meters.counter("ml.api.client.disconnects").count()).isEqualTo(before + 1);
        assertThat(log.getAll()).doesNotContain("unexpected error").doesNotContain("Broken pipe");
    }

    @Test
    void anyOtherErrorIsALogged500(CapturedOutput log) throws Exception {
        double before = meters.counter("ml.api.client.disconnects").count();

        mvc.perform(get("/test/bug"))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("An unexpected error occurred; it has been logged."));

        assertThat(meters.counter("ml.api.client.disconnects").count()).isEqualTo(before);
        assertThat(log.getAll()).contains("unexpected error on GET /test/bug").contains("a bug");
    }
}
