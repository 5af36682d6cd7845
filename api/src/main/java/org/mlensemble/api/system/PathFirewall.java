package org.mlensemble.api.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses with 400 any request whose raw path (before {@code ?}) holds {@code ;}, a {@code %}
 * escape, a backslash, {@code //} or a {@code .}/{@code ..} segment. The servlet container and
 * Spring decode and strip such paths before routing, so a check on the raw path and a route on the
 * decoded one would disagree ({@code /v1;x/...}, {@code /%761/...}); no path of this API needs them
 * (ids are plain names), so the two forms are made to be the same by refusing the rest. Query
 * strings are not affected.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class PathFirewall extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String reason = refusal(request.getRequestURI());
        if (reason != null) {
            Problems.write(response, 400, "Bad request", "The request path " + reason
                    + "; this API's paths are plain names.", null);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Why a raw path is refused, or null when it is fine. */
    static String refusal(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return "does not start with /";
        }
        if (rawPath.indexOf(';') >= 0) {
            return "contains ';'";
        }
        if (rawPath.indexOf('%') >= 0) {
            return "contains a %-escape";
        }
        if (rawPath.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (rawPath.contains("//")) {
            return "contains '//'";
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "contains a '.' or '..' segment";
            }
        }
        return null;
    }
}
