package org.mlensemble.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** The dataset endpoints' HTTP contract, without a broker. */
@WebMvcTest(properties = "ml.api.max-body-bytes=2048")
@Import(WebSliceConfig.class)
class DatasetHttpTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeDatasets datasets;

    @Test
    void anUploadIsNotHeldToTheRequestBodyLimitOfTheOtherEndpoints() throws Exception {
        byte[] body = ("a,price\n" + "1,2\n".repeat(2000)).getBytes();
        MvcResult r = mvc.perform(post("/v1/ml-distributed/datasets/big?target=price&testFraction=0.2&seed=9")
                .contentType("text/csv").content(body)).andReturn();
        mvc.perform(asyncDispatch(r)).andExpect(status().isOk()).andExpect(jsonPath("$.dataset").value("big"));
        assertThat(datasets.lastUploadBytes).isEqualTo(body.length);
        assertThat(datasets.lastUpload.testFraction()).isEqualTo(0.2);
        assertThat(datasets.lastUpload.seed()).isEqualTo(9);
        assertThat(datasets.lastUpload.shards()).isNull();
    }

    @Test
    void badNamesAndParametersAre400ProblemsBeforeTheBodyIsRead() throws Exception {
        mvc.perform(post("/v1/ml-distributed/datasets/a..b?target=price").contentType("text/csv").content("a"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail", containsString("no '..'")));
        mvc.perform(post("/v1/ml-distributed/datasets/ok").contentType("text/csv").content("a"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail", containsString("target")));
        mvc.perform(post("/v1/ml-distributed/datasets/ok?target=p&testFraction=0").contentType("text/csv").content("a"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail", containsString("testFraction")));
        mvc.perform(post("/v1/ml-distributed/datasets/ok?target=p").contentType(MediaType.APPLICATION_JSON)
                .content("{}")).andExpect(status().isUnsupportedMediaType());
        mvc.perform(post("/v1/ml-distributed/datasets/ok?target=p").contentType("text/csv")
                .header("Content-Encoding", "br").content("a")).andExpect(status().isUnsupportedMediaType());
    }

    @Test
    void anUnknownDatasetIs404() throws Exception {
        mvc.perform(get("/v1/ml-distributed/datasets/nothing")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail", containsString("nothing")));
        mvc.perform(get("/v1/ml-distributed/datasets")).andExpect(status().isOk()).andExpect(jsonPath("$").isArray());
    }
}
