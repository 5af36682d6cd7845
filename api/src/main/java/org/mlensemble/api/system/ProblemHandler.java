package org.mlensemble.api.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.concurrent.CompletionException;
import org.mlensemble.api.datasets.UnknownDatasetException;
import org.mlensemble.api.datasets.UploadInProgressException;
import org.mlensemble.api.datasets.UploadTooLargeException;
import org.mlensemble.api.ensemble.AmbiguousModelException;
import org.mlensemble.api.ensemble.EnsembleUnavailableException;
import org.mlensemble.api.ensemble.InvalidRequestException;
import org.mlensemble.api.ensemble.ModelRemovedException;
import org.mlensemble.api.ensemble.NoModelException;
import org.mlensemble.api.ensemble.UnknownModelException;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.learning.InvalidParamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * Every error leaves as RFC 9457 problem+json with a message a user can act on. Stack traces stay
 * in the log; a 500 means a bug. Clients that hang up are only counted, in
 * {@code ml_api_client_disconnects_total}.
 */
@RestControllerAdvice
class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final Counter disconnects;

    ProblemHandler(MeterRegistry meters) {
        this.disconnects = meters.counter("ml.api.client.disconnects");
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> problem(ApiProblem e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> out = respond(e.status(), e.title(), e.getMessage(), request);
        e.properties().forEach(out.getBody()::setProperty);
        return out;
    }

    @ExceptionHandler({InvalidRequestException.class, UnknownModelException.class, ModelRemovedException.class,
        NoModelException.class, AmbiguousModelException.class, EnsembleUnavailableException.class,
        UnknownDatasetException.class, UploadInProgressException.class, UploadTooLargeException.class})
    ResponseEntity<ProblemDetail> domain(RuntimeException e, HttpServletRequest request) {
        return problem(problemOf(e), request);
    }

    /**
     * The one place where the ensemble's and the datasets' exceptions become HTTP: status, title
     * (and so type URI) per exception; the detail is the exception's message. Null for any other.
     */
    static ApiProblem problemOf(Throwable e) {
        if (e instanceof ApiProblem p) {
            return p;
        }
        if (e instanceof InvalidRequestException) {
            return ApiProblem.badRequest(e.getMessage());
        }
        if (e instanceof UnknownModelException) {
            return new ApiProblem(HttpStatus.NOT_FOUND, "Unknown model", e.getMessage());
        }
        if (e instanceof ModelRemovedException r) {
            ApiProblem p = new ApiProblem(HttpStatus.NOT_FOUND, "Model removed", e.getMessage());
            p.properties().put("modelId", r.removal().modelId());
            p.properties().put("cause", r.removal().cause());
            p.properties().put("removedAt", r.removedAt());
            return p;
        }
        if (e instanceof NoModelException) {
            return new ApiProblem(HttpStatus.CONFLICT, "No model yet", e.getMessage());
        }
        if (e instanceof AmbiguousModelException a) {
            ApiProblem p = new ApiProblem(HttpStatus.CONFLICT, "Ambiguous default model", e.getMessage());
            p.properties().put("candidates", a.candidates());
            return p;
        }
        if (e instanceof EnsembleUnavailableException) {
            return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "Ensemble unavailable", e.getMessage());
        }
        if (e instanceof UnknownDatasetException) {
            return new ApiProblem(HttpStatus.NOT_FOUND, "Unknown dataset", e.getMessage());
        }
        if (e instanceof UploadInProgressException) {
            return new ApiProblem(HttpStatus.CONFLICT, "Upload in progress", e.getMessage());
        }
        if (e instanceof UploadTooLargeException) {
            return ApiProblem.tooLarge(e.getMessage());
        }
        return null;
    }

    @ExceptionHandler(CompletionException.class)
    ResponseEntity<ProblemDetail> completion(CompletionException e, HttpServletRequest request) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        ApiProblem mapped = problemOf(cause);
        if (mapped != null) {
            return problem(mapped, request);
        }
        if (cause instanceof IllegalArgumentException iae) {
            return badInput(iae, request);
        }
        if (cause instanceof org.mlensemble.api.gather.ScatterGather.BrokerUnavailableException b) {
            // a job the broker did not take (e.g. a dataset store job on a cluster without a majority)
            return respond(HttpStatus.SERVICE_UNAVAILABLE, "Ensemble unavailable",
                    "The message broker is unavailable (" + b.getMessage() + "). Retry shortly.", request);
        }
        return unexpected(cause, request);
    }

    @ExceptionHandler({DataException.class, InvalidParamsException.class})
    ResponseEntity<ProblemDetail> badInput(IllegalArgumentException e, HttpServletRequest request) {
        return respond(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage(), request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof BodyLimitFilter.BodyTooLargeException) {
            return respond(HttpStatus.CONTENT_TOO_LARGE, "Request too large", cause.getMessage(), request);
        }
        String why = cause.getMessage() == null ? "" : cause.getMessage();
        // the parser's location suffix names internals, not the user's input
        int at = why.indexOf(" (start marker");
        at = at > 0 ? at : why.indexOf(" at [Source");
        why = (at > 0 ? why.substring(0, at) : why).replaceAll("\\s+", " ").trim();
        if (why.length() > 300) {
            why = why.substring(0, 300) + "...";
        }
        return respond(HttpStatus.BAD_REQUEST, "Malformed JSON", "The body is not valid JSON: " + why, request);
    }

    /** A query or path parameter of the wrong type: named, with what was expected and what came. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> badParameter(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        Class<?> type = e.getRequiredType();
        String expected = type == null ? "a different value"
                : Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class
                        ? (type == Double.class || type == double.class ? "a number" : "a whole number")
                        : type == Boolean.class || type == boolean.class ? "true or false" : "a " + type.getSimpleName();
        String value = String.valueOf(e.getValue());
        if (value.length() > 100) {
            value = value.substring(0, 100) + "...";
        }
        return respond(HttpStatus.BAD_REQUEST, "Bad request", "Parameter '" + e.getName() + "' must be " + expected
                + ", got '" + value + "'.", request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e,
            HttpServletRequest request) {
        return respond(HttpStatus.BAD_REQUEST, "Bad request", "Parameter '" + e.getParameterName() + "' is required.",
                request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                "Send the body as application/json.", request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> out = respond(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                request.getMethod() + " is not supported here" + (e.getSupportedHttpMethods() == null ? "."
                        : "; use " + String.join(", ", e.getSupportedMethods()) + "."), request);
        if (e.getSupportedHttpMethods() == null) {
            return out;
        }
        return ResponseEntity.status(out.getStatusCode()).headers(out.getHeaders())
                .allow(e.getSupportedHttpMethods().toArray(org.springframework.http.HttpMethod[]::new))
                .body(out.getBody());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NoResourceFoundException e, HttpServletRequest request) {
        return respond(HttpStatus.NOT_FOUND, "Not found", "No such endpoint: " + request.getRequestURI(), request);
    }

    /**
     * A 500, except for a client that hung up while its answer was written (broken pipe, reset,
     * however the container wraps it): that is no server error, and returning null writes nothing.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Throwable e, HttpServletRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            disconnects.increment();
            log.debug("client gone before the answer to {} {} was written: {}", request.getMethod(),
                    request.getRequestURI(), e.toString());
            return null;
        }
        log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "An unexpected error occurred; it has been logged.", request);
    }

    private static ResponseEntity<ProblemDetail> respond(HttpStatus status, String title, String detail,
            HttpServletRequest request) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setTitle(title);
        pd.setType(URI.create(ApiProblem.typeOf(title)));
        pd.setInstance(URI.create(request.getRequestURI()));
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd);
    }
}
