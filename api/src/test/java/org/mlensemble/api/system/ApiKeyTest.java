package org.mlensemble.api.system;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.cookie;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.WebSliceConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

/** With {@code ml.api.api-key} set, /v1 needs the header; pages may use a one-time query parameter. */
@WebMvcTest(properties = "ml.api.api-key=s3cret")
@Import(WebSliceConfig.class)
class ApiKeyTest {

    @Autowired
    MockMvc mvc;

    @Test
    void aCallWithoutTheKeyIsRefusedWith401() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("This service needs an API key: send it in the X-API-Key header."));
    }

    @Test
    void aWrongKeyIsRefusedWith401() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").header("X-API-Key", "guess"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("The API key in X-API-Key is not valid."));
    }

    @Test
    void theRightKeyPasses() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").header("X-API-Key", "s3cret")).andExpect(status().isOk());
    }

    @Test
    void theQueryParameterIsNotAcceptedForTheApi() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").param("apiKey", "s3cret")).andExpect(status().isUnauthorized());
    }

    @Test
    void theCookieSetForPagesDoesNotOpenTheApi() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").cookie(new Cookie("ml_api_key", "s3cret")))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void theDashboardNeedsTheKeyAndTakesItOnceFromTheQuery() throws Exception {
        mvc.perform(get("/dashboard")).andExpect(status().isUnauthorized());
        mvc.perform(get("/dashboard").param("apiKey", "s3cret"))
                .andExpect(status().isOk())
                .andExpect(cookie().value("ml_api_key", "s3cret"))
                .andExpect(cookie().httpOnly("ml_api_key", true));
        mvc.perform(get("/dashboard").cookie(new Cookie("ml_api_key", "s3cret"))).andExpect(status().isOk());
    }

    @Test
    void healthProbesStayOpen() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isNotFound()); // not in this slice, but not 401
    }
}
