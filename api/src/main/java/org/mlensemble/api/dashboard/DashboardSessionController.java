package org.mlensemble.api.dashboard;

import java.util.Map;
import org.mlensemble.api.system.ApiKeys;
import org.mlensemble.api.system.ApiProblem;
import org.mlensemble.api.system.JsonBodies;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /dashboard/session}: the dashboard's sign-in. The key travels once in a POST body (never
 * in a URL, where logs and browser history would keep it) and is traded for an HttpOnly session
 * cookie that the page's script cannot read.
 */
@RestController
@RequestMapping("/dashboard/session")
class DashboardSessionController {

    /** The sign-in body. */
    record SignIn(String apiKey) {
    }

    private final ApiKeys keys;

    DashboardSessionController(ApiKeys keys) {
        this.keys = keys;
    }

    /** Whether the page must ask for the key: tells nothing but yes or no. */
    @GetMapping
    Map<String, Boolean> state(@CookieValue(name = ApiKeys.SESSION_COOKIE, required = false) String session) {
        return Map.of("keyRequired", keys.required(), "signedIn", !keys.required() || keys.validSession(session));
    }

    @PostMapping
    ResponseEntity<Void> signIn(@RequestBody(required = false) JsonNode body) {
        if (!keys.required()) {
            return ResponseEntity.noContent().build();
        }
        SignIn in = JsonBodies.bind(body, SignIn.class);
        if (!keys.matches(in.apiKey())) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "Unauthorized", "The API key is not valid.");
        }
        return ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, keys.sessionCookie(keys.newSession()).toString()).build();
    }

    @DeleteMapping
    ResponseEntity<Void> signOut() {
        return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, keys.clearedCookie().toString()).build();
    }
}
