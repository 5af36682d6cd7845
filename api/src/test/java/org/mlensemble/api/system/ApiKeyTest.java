package org.mlensemble.api.system;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.cookie;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.WebSliceConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** With {@code ml.api.api-key} set, every path but the probes and the sign-in page needs it. */
@WebMvcTest(properties = "ml.api.api-key=s3cret")
@Import(WebSliceConfig.class)
class ApiKeyTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    ApiKeys keys;

    @Test
    void aCallWithoutTheKeyIsRefusedWith401() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("This service needs an API key: send it in the X-API-Key "
                        + "header (or Authorization: Bearer), or sign in at /dashboard."));
    }

    @Test
    void aWrongKeyIsRefusedWith401() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").header("X-API-Key", "guess"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("The API key in X-API-Key (or Authorization: Bearer) is not valid."));
    }

    @Test
    void theRightKeyPassesAsHeaderOrBearerToken() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").header("X-API-Key", "s3cret")).andExpect(status().isOk());
        mvc.perform(get("/v1/ml-distributed/ping").header("Authorization", "Bearer s3cret")).andExpect(status().isOk());
    }

    @Test
    void theQueryParameterOpensNothing() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping").param("apiKey", "s3cret")).andExpect(status().isUnauthorized());
        mvc.perform(get("/swagger-ui/index.html").param("apiKey", "s3cret")).andExpect(status().isUnauthorized());
        mvc.perform(get("/dashboard").param("apiKey", "s3cret")).andExpect(header().doesNotExist("Set-Cookie"));
    }

    @Test
    void pathsNotOnTheOpenListNeedTheKeyEvenWhenNothingServesThem() throws Exception {
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isUnauthorized());
        mvc.perform(get("/anything/else")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isNotFound()); // not in this slice, not 401
    }

    @Test
    void signingInSetsAnHttpOnlySessionCookieThatIsNotTheKey() throws Exception {
        mvc.perform(post("/dashboard/session").contentType(MediaType.APPLICATION_JSON).content("{\"apiKey\": \"s3cret\"}"))
                .andExpect(status().isNoContent())
                .andExpect(cookie().httpOnly(ApiKeys.SESSION_COOKIE, true))
                .andExpect(cookie().sameSite(ApiKeys.SESSION_COOKIE, "Strict"))
                .andExpect(cookie().path(ApiKeys.SESSION_COOKIE, "/"));
        mvc.perform(post("/dashboard/session").contentType(MediaType.APPLICATION_JSON).content("{\"apiKey\": \"nope\"}"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().doesNotExist("Set-Cookie"));
        mvc.perform(post("/dashboard/session").contentType(MediaType.APPLICATION_JSON).content("{\"key\": \"s3cret\"}"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void aSessionReadsAndPostsOnlyWithTheDashboardsHeader() throws Exception {
        Cookie session = new Cookie(ApiKeys.SESSION_COOKIE, keys.newSession());
        mvc.perform(get("/v1/ml-distributed/ping").cookie(session)).andExpect(status().isOk());
        mvc.perform(post("/v1/ml-distributed/evaluate").cookie(session)).andExpect(status().isForbidden());
        mvc.perform(post("/v1/ml-distributed/evaluate").cookie(session).header("X-Requested-With", "ml-dashboard"))
                .andExpect(status().isOk());
    }

    @Test
    void aForgedOrStaleSessionIsRefused() throws Exception {
        String good = keys.newSession();
        String tampered = (Long.parseLong(good.substring(0, good.indexOf('.'))) + 3600) + good.substring(good.indexOf('.'));
        mvc.perform(get("/v1/ml-distributed/ping").cookie(new Cookie(ApiKeys.SESSION_COOKIE, tampered)))
                .andExpect(status().isUnauthorized());
        mvc.perform(get("/v1/ml-distributed/ping").cookie(new Cookie(ApiKeys.SESSION_COOKIE, "1." + good.substring(good.indexOf('.') + 1))))
                .andExpect(status().isUnauthorized());
        mvc.perform(get("/v1/ml-distributed/ping").cookie(new Cookie("ml_api_key", "s3cret")))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void signingOutExpiresTheCookie() throws Exception {
        mvc.perform(delete("/dashboard/session"))
                .andExpect(status().isNoContent())
                .andExpect(cookie().maxAge(ApiKeys.SESSION_COOKIE, 0));
    }

    @Test
    void theSignInPageAndItsStateAreOpen() throws Exception {
        mvc.perform(get("/dashboard/session"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.keyRequired").value(true))
                .andExpect(jsonPath("$.signedIn").value(false));
    }
}
