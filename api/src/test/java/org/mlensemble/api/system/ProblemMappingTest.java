package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.datasets.UnknownDatasetException;
import org.mlensemble.api.datasets.UploadInProgressException;
import org.mlensemble.api.datasets.UploadTooLargeException;
import org.mlensemble.api.ensemble.AmbiguousModelException;
import org.mlensemble.api.ensemble.EnsembleUnavailableException;
import org.mlensemble.api.ensemble.InvalidRequestException;
import org.mlensemble.api.ensemble.ModelRemovedException;
import org.mlensemble.api.ensemble.NoModelException;
import org.mlensemble.api.ensemble.UnknownModelException;
import org.mlensemble.common.messaging.ModelRemoval;
import org.springframework.http.HttpStatus;

/** The domain's exceptions become the same problems (status, title, type, detail) they always were. */
class ProblemMappingTest {

    @Test
    void everyDomainExceptionMapsToItsStatusTitleAndType() {
        assertProblem(new InvalidRequestException("quorum 3 is more"), HttpStatus.BAD_REQUEST, "Bad request",
                "urn:ml-ensemble:problem:bad-request");
        assertProblem(new UnknownModelException("m-x"), HttpStatus.NOT_FOUND, "Unknown model",
                "urn:ml-ensemble:problem:unknown-model");
        assertProblem(new NoModelException(), HttpStatus.CONFLICT, "No model yet",
                "urn:ml-ensemble:problem:no-model-yet");
        assertProblem(new EnsembleUnavailableException("2 of 4"), HttpStatus.SERVICE_UNAVAILABLE,
                "Ensemble unavailable", "urn:ml-ensemble:problem:ensemble-unavailable");
        assertProblem(new UnknownDatasetException("ames"), HttpStatus.NOT_FOUND, "Unknown dataset",
                "urn:ml-ensemble:problem:unknown-dataset");
        assertProblem(new UploadInProgressException("ames"), HttpStatus.CONFLICT, "Upload in progress",
                "urn:ml-ensemble:problem:upload-in-progress");
        assertProblem(new UploadTooLargeException("too big"), HttpStatus.CONTENT_TOO_LARGE, "Request too large",
                "urn:ml-ensemble:problem:request-too-large");
    }

    @Test
    void theDetailIsTheExceptionsMessageWordForWord() {
        assertThat(ProblemHandler.problemOf(new UnknownModelException("m-x")).getMessage())
                .isEqualTo("No known learner holds model 'm-x', and none remembers removing it;"
                        + " GET /v1/ml-distributed/models lists the models.");
        assertThat(ProblemHandler.problemOf(new NoModelException()).getMessage())
                .isEqualTo("No model has been trained yet: call POST /v1/ml-distributed/fit first.");
        assertThat(ProblemHandler.problemOf(new UnknownDatasetException("ames")).getMessage())
                .isEqualTo("No known learner holds dataset 'ames'; GET /v1/ml-distributed/datasets lists them.");
    }

    @Test
    void aRemovedModelCarriesItsIdCauseAndTime() {
        long at = Instant.parse("2026-12-01T05:00:00Z").toEpochMilli();
        ApiProblem p = ProblemHandler.problemOf(new ModelRemovedException(
                new ModelRemoval("m-gone", ModelRemoval.DELETED, at)));

        assertProblem(p, HttpStatus.NOT_FOUND, "Model removed", "urn:ml-ensemble:problem:model-removed");
        assertThat(p.getMessage()).isEqualTo("Model 'm-gone' was deleted at 2026-12-01T05:00:00Z"
                + " (DELETE /v1/ml-distributed/models/m-gone).");
        assertThat(p.properties()).containsEntry("modelId", "m-gone").containsEntry("cause", "deleted")
                .containsEntry("removedAt", "2026-12-01T05:00:00Z");
    }

    @Test
    void anAmbiguousDefaultListsItsCandidates() {
        ApiProblem p = ProblemHandler.problemOf(new AmbiguousModelException("two datasets", List.of("m-b", "m-a")));

        assertProblem(p, HttpStatus.CONFLICT, "Ambiguous default model",
                "urn:ml-ensemble:problem:ambiguous-default-model");
        assertThat(p.properties()).containsEntry("candidates", List.of("m-b", "m-a"));
    }

    @Test
    void anyOtherExceptionIsNoDomainProblem() {
        assertThat(ProblemHandler.problemOf(new IllegalStateException("a bug"))).isNull();
    }

    private static void assertProblem(RuntimeException e, HttpStatus status, String title, String type) {
        ApiProblem p = ProblemHandler.problemOf(e);
        assertThat(p.status()).isEqualTo(status);
        assertThat(p.title()).isEqualTo(title);
        assertThat(ApiProblem.typeOf(p.title())).isEqualTo(type);
        assertThat(p.getMessage()).isEqualTo(e.getMessage());
    }
}
