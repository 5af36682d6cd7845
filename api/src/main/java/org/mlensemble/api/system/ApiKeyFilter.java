package org.mlensemble.api.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * When {@code ml.api.api-key} is set, every path needs it except {@link #OPEN}: deny by default,
 * so a path added later (an actuator endpoint, a page) is never open by mistake.
 *
 * <p>The key is taken from {@code X-API-Key} or {@code Authorization: Bearer} (Prometheus), never
 * from the URL. The dashboard signs in once ({@code POST /dashboard/session}) and then holds a
 * session cookie; a request that changes state with only that cookie must also carry
 * {@code X-Requested-With: ml-dashboard}, which another site cannot send (cross-site request
 * forgery).
 *
 * <p>Paths are compared decoded and without {@code ;parameters}, as Spring routes them; the
 * {@link PathFirewall} in front has already refused any path where the raw and decoded forms differ.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ApiKeyFilter extends OncePerRequestFilter {

    /**
     * What answers without a key: the probes of orchestrators ({@code /actuator/health} shows only
     * UP/DOWN), and the dashboard's page, script and style, which hold no data and ask for the key.
     */
    static final Set<String> OPEN = Set.of(
            "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz",
            "/dashboard", "/dashboard/", "/dashboard/index.html", "/dashboard/dashboard.js",
            "/dashboard/dashboard.css", "/dashboard/session");

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final UrlPathHelper paths = new UrlPathHelper();

    ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !keys.required();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (OPEN.contains(paths.getPathWithinApplication(request))) {
            chain.doFilter(request, response);
            return;
        }
        String given = headerKey(request);
        if (given != null) {
            if (keys.matches(given)) {
                chain.doFilter(request, response);
            } else {
                Problems.write(response, 401, "Unauthorized", "The API key in " + ApiKeys.HEADER
                        + " (or Authorization: Bearer) is not valid.", request.getRequestURI());
            }
            return;
        }
        if (keys.validSession(sessionCookie(request))) {
            if (SAFE_METHODS.contains(request.getMethod())
                    || ApiKeys.CSRF_VALUE.equals(request.getHeader(ApiKeys.CSRF_HEADER))) {
                chain.doFilter(request, response);
            } else {
                Problems.write(response, 403, "Forbidden", "A " + request.getMethod()
                        + " with the dashboard's session cookie needs the header " + ApiKeys.CSRF_HEADER + ": "
                        + ApiKeys.CSRF_VALUE + "; scripts send " + ApiKeys.HEADER + " instead.",
                        request.getRequestURI());
            }
            return;
        }
        Problems.write(response, 401, "Unauthorized", "This service needs an API key: send it in the "
                + ApiKeys.HEADER + " header (or Authorization: Bearer), or sign in at /dashboard.",
                request.getRequestURI());
    }

    private static String headerKey(HttpServletRequest request) {
        String key = request.getHeader(ApiKeys.HEADER);
        if (key != null) {
            return key;
        }
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return auth.substring(BEARER.length()).strip();
        }
        return null;
    }

    private static String sessionCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (ApiKeys.SESSION_COOKIE.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }
}
