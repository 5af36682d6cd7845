package org.mlensemble.api.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * When {@code ml.api.api-key} is set, every {@code /v1} call, the dashboard and the API docs need
 * it in the {@code X-API-Key} header, else 401. Browsers cannot set a header on a page load, so the
 * dashboard and docs pages also accept it once as the {@code apiKey} query parameter, which sets a
 * same-site cookie for the page's own assets and documents. {@code /v1} calls take only the
 * header, so a cookie can never be used to call the API from another site. Health probes and
 * metrics stay open for orchestrators.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    private static final List<String> GUARDED = List.of("/v1/", "/dashboard", "/v3/api-docs", "/swagger-ui");
    private static final List<String> PAGES = List.of("/dashboard", "/swagger-ui", "/v3/api-docs");
    private static final String COOKIE = "ml_api_key";

    private final byte[] key;

    ApiKeyFilter(ApiProperties props) {
        String k = props.apiKey();
        this.key = k == null || k.isBlank() ? null : k.getBytes(StandardCharsets.UTF_8);
    }

    private boolean valid(String given) {
        return given != null && MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (key == null) {
            return true;
        }
        String path = request.getRequestURI();
        return GUARDED.stream().noneMatch(path::startsWith);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        boolean page = PAGES.stream().anyMatch(request.getRequestURI()::startsWith);
        if (given == null && page && request.getParameter("apiKey") != null) {
            given = request.getParameter("apiKey");
            if (valid(given)) {
                response.addHeader("Set-Cookie", COOKIE + "=" + java.net.URLEncoder.encode(given, StandardCharsets.UTF_8)
                        + "; Path=/; HttpOnly; SameSite=Strict");
            }
        }
        if (given == null && page && request.getCookies() != null) {
            for (jakarta.servlet.http.Cookie c : request.getCookies()) {
                if (COOKIE.equals(c.getName())) {
                    given = java.net.URLDecoder.decode(c.getValue(), StandardCharsets.UTF_8);
                }
            }
        }
        if (valid(given)) {
            chain.doFilter(request, response);
            return;
        }
        Problems.write(response, 401, "Unauthorized", given == null
                ? "This service needs an API key: send it in the X-API-Key header."
                : "The API key in X-API-Key is not valid.", request.getRequestURI());
    }
}
