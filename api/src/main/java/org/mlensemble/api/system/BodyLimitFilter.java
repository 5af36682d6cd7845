package org.mlensemble.api.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@code ml.api.max-body-bytes} with 413: by the declared length
 * before reading, and by counting while reading when the length is not declared (chunked).
 * Dataset uploads are streamed to disk and have their own limit ({@code ml.api.datasets.max-upload-bytes});
 * CSV predicts are scored chunk by chunk as they arrive and have none.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class BodyLimitFilter extends OncePerRequestFilter {

    /** Thrown while reading a body past the limit; mapped to 413. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("the request body is larger than the limit of " + limit + " bytes");
        }
    }

    private final long limit;

    BodyLimitFilter(ApiProperties props) {
        this.limit = props.maxBodyBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && (request.getRequestURI().startsWith(DATASET_UPLOADS)
                || isCsvPredict(request));
    }

    /** A CSV predict is read and answered chunk by chunk: its size bounds no memory, so it has no limit. */
    private static boolean isCsvPredict(HttpServletRequest request) {
        String type = request.getContentType();
        return PREDICT.equals(request.getRequestURI()) && type != null
                && type.regionMatches(true, 0, "text/csv", 0, "text/csv".length());
    }

    static final String PREDICT = "/v1/ml-distributed/predict";

    static final String DATASET_UPLOADS = "/v1/ml-distributed/datasets/";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            Problems.write(response, 413, "Request too large", "The request body has " + declared
                    + " bytes; the limit is " + limit + ". Split the rows into several requests.",
                    request.getRequestURI());
            return;
        }
        chain.doFilter(declared >= 0 ? request : new Counting(request, limit), response);
    }

    private static final class Counting extends HttpServletRequestWrapper {
        private final long limit;

        Counting(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > limit) {
                        throw new BodyTooLargeException(limit);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (read += n) > limit) {
                        throw new BodyTooLargeException(limit);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
