package org.mlensemble.api.predict;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.FakeEnsemble;
import org.mlensemble.api.WebSliceConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** {@code POST /predict} with a CSV body: one prediction per line, errors as problem+json. */
@WebMvcTest
@Import(WebSliceConfig.class)
class CsvPredictHttpTest {

    private static final MediaType CSV = MediaType.parseMediaType("text/csv");

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeEnsemble ensemble;

    @AfterEach
    void train() {
        ensemble.trained = true;
    }

    @Test
    void aCsvBodyGetsOnePredictionPerRowInOrder() throws Exception {
        // the fake ensemble predicts the sum of a row's numbers
        mvc.perform(post("/v1/ml-distributed/predict").contentType(CSV).accept(CSV)
                        .content("LotArea,Neighborhood,OverallQual\n100,CollgCr,5\n200,NA,7\n,Veenker,1\n"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(CSV))
                .andExpect(header().string("X-ML-Model-Id", "m-test"))
                .andExpect(content().string("105.0\n207.0\n1.0\n"));
    }

    @Test
    void aCsvBodyIsStreamedWhenCsvIsOneOfSeveralAcceptedTypes() throws Exception {
        // what mlctl sends: its usual Accept header, and text/csv besides
        mvc.perform(post("/v1/ml-distributed/predict").contentType(CSV)
                        .header("Accept", "application/json, application/problem+json").header("Accept", "text/csv")
                        .content("LotArea\n100\n"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(CSV))
                .andExpect(content().string("100.0\n"));
    }

    @Test
    void noModelIsAProblemEvenWhenCsvIsAccepted() throws Exception {
        ensemble.trained = false;

        mvc.perform(post("/v1/ml-distributed/predict").contentType(CSV).accept(CSV).content("LotArea\n100\n"))
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("No model yet"));
    }

    @Test
    void aMalformedCsvIsABadRequestProblem() throws Exception {
        mvc.perform(post("/v1/ml-distributed/predict").contentType(CSV).accept(CSV)
                        .content("LotArea,OverallQual\n100,5\n200\n"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("line 3")));
    }

    @Test
    void aBadDeadlineIsABadRequestProblem() throws Exception {
        mvc.perform(post("/v1/ml-distributed/predict?deadlineMs=0").contentType(CSV).accept(CSV)
                        .content("LotArea\n100\n"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }
}
