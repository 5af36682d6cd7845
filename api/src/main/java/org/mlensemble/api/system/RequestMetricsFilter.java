package org.mlensemble.api.system;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
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
 * {@code ml_api_requests_seconds{endpoint,status}}: requests and latency per endpoint, measured
 * until the asynchronous answer is written, not until the request thread lets go.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetricsFilter extends OncePerRequestFilter {

    private final MeterRegistry meters;

    RequestMetricsFilter(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String endpoint = endpoint(request.getRequestURI());
        if (endpoint == null) {
            chain.doFilter(request, response);
            return;
        }
        Timer.Sample sample = Timer.start(meters);
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(sample, endpoint, response.getStatus());
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                record(sample, endpoint, response.getStatus());
            }
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    private void record(Timer.Sample sample, String endpoint, int status) {
        sample.stop(Timer.builder("ml.api.requests").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .register(meters));
    }

    /** A small, fixed set of tag values: never the raw path, which holds model ids. */
    private static String endpoint(String path) {
        if (!path.startsWith("/v1/ml-distributed/")) {
            return null;
        }
        String rest = path.substring("/v1/ml-distributed/".length());
        if (rest.startsWith("fit/jobs/")) {
            return "fit-status";
        }
        if (rest.startsWith("models/")) {
            return "model";
        }
        return switch (rest) {
            case "fit", "predict", "evaluate", "models", "learners", "ping", "stats", "broker" -> rest;
            default -> "other";
        };
    }
}
