package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exit codes scripts rely on, for the service's problem+json answers and for local errors. */
class ExitCodeTest extends FakeApiTest {

    private static final String EVALUATE = "/v1/ml-distributed/evaluate";
    private static final String PREDICT = "/v1/ml-distributed/predict";

    @Test
    void badInputIsRejected() {
        server.on(EVALUATE, r -> TestServer.problem(400, "Bad request",
                "unknown field 'modelid'; valid fields are modelId, deadlineMs, quorum, weighted"));

        Cli.Result r = cli.run("--url", server.url(), "evaluate");

        assertThat(r.code()).isEqualTo(Exit.REJECTED).isEqualTo(3);
        assertThat(r.err()).contains("evaluate failed: 400 Bad request: unknown field 'modelid'");
    }

    @Test
    void noModelYetIsRejected() {
        server.on(EVALUATE, r -> TestServer.problem(409, "No model yet",
                "No model has been trained yet: call POST /v1/ml-distributed/fit first."));

        Cli.Result r = cli.run("--url", server.url(), "evaluate");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("409 No model yet: No model has been trained yet");
    }

    @Test
    void quorumNotMetIsUnavailable() {
        server.on(EVALUATE, r -> TestServer.problem(503, "Ensemble unavailable",
                "0 of 4 members answered by the deadline, quorum is 1"));

        Cli.Result r = cli.run("--url", server.url(), "evaluate");

        assertThat(r.code()).isEqualTo(Exit.UNAVAILABLE).isEqualTo(4);
        assertThat(r.err()).contains("503 Ensemble unavailable: 0 of 4 members answered");
    }

    @Test
    void aMissingApiKeyIsRejectedWithAHint() {
        server.on(EVALUATE, r -> TestServer.problem(401, "Unauthorized", "missing or wrong X-API-Key"));

        Cli.Result r = cli.run("--url", server.url(), "evaluate");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("export ML_API_KEY");
    }

    @Test
    void withJsonTheProblemBodyGoesToStdout() {
        server.on(EVALUATE, r -> TestServer.problem(409, "No model yet", "fit first"));

        Cli.Result r = cli.run("--url", server.url(), "--json", "evaluate");

        assertThat(r.code()).isEqualTo(3);
        assertThat(Json.parse(r.out(), "out").path("status").asInt(0)).isEqualTo(409);
    }

    @Test
    void anUnexpected500IsAFailure() {
        server.on(EVALUATE, r -> TestServer.problem(500, "Internal error", "a bug"));

        assertThat(cli.run("--url", server.url(), "evaluate").code()).isEqualTo(Exit.FAILURE);
    }

    @Test
    void noUrlAnsweringIsUnavailable() throws Exception {
        Cli.Result r = cli.run("--url", TestServer.deadUrl(), "--url", TestServer.deadUrl(), "models");

        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).contains("no load balancer answered");
    }

    @Test
    void usageErrorsAreTwoAndSendNothing() {
        assertThat(cli.run("--url", server.url(), "models", "--bogus").code()).isEqualTo(Exit.USAGE);
        assertThat(cli.run("--url", server.url(), "models", "--file", "x.csv").code()).isEqualTo(2);
        assertThat(cli.run("--url", server.url(), "frobnicate").code()).isEqualTo(2);
        assertThat(cli.run("--url", server.url(), "predict").code()).isEqualTo(2);
        assertThat(cli.run("--url", server.url(), "predict", "--file", "/no/such/file.json").code()).isEqualTo(2);
        assertThat(cli.run("--url", "ftp://x", "models").code()).isEqualTo(2);
        assertThat(cli.run().code()).isEqualTo(2);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void helpIsZero() {
        Cli.Result all = cli.run("help");
        Cli.Result one = cli.run("predict", "--help");

        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("fit", "evaluate", "predict", "models", "learners", "status", "Exit codes:");
        assertThat(one.code()).isZero();
        assertThat(one.out()).startsWith("Usage: mlctl predict --file FILE");
        assertThat(cli.run("help", "fit").out()).startsWith("Usage: mlctl fit");
    }

    @Test
    void aDegradedPredictIsZeroUnlessStrict() {
        server.on(PREDICT, r -> TestServer.json(200, "{\"Prediction\":1.5,\"ProblemType\":\"regression\","
                + "\"modelId\":\"m-1\",\"members\":{\"used\":3,\"expected\":4,\"missing\":[\"D\"]},\"elapsedMs\":3}"));
        cli.stdin = "{\"GrLivArea\":[1710]}";

        assertThat(cli.run("--url", server.url(), "predict", "--file", "-").code()).isZero();
        assertThat(cli.run("--url", server.url(), "predict", "--file", "-", "--strict").code())
                .isEqualTo(Exit.DEGRADED);
    }

    @Test
    void theApiKeyFromTheEnvironmentIsSent() {
        server.on("/v1/ml-distributed/models", r -> TestServer.json(200, "[]"));

        Cli.Result r = cli.env("ML_API_KEY", "k-123").run("--url", server.url(), "models");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("no model yet");
        assertThat(server.requests.get(0).header("X-API-Key")).isEqualTo("k-123");
    }

    @Test
    void urlsComeFromTheEnvironmentWhenNotGiven() {
        server.on("/v1/ml-distributed/models", r -> TestServer.json(200, "[]"));

        Cli.Result r = cli.env("ML_URLS", server.url() + "/, " + server.url()).run("models");

        assertThat(r.code()).isZero();
        assertThat(Mlctl.urls(List.of(), null)).extracting(Object::toString)
                .containsExactly("http://127.0.0.1:80", "http://127.0.0.1:81");
    }
}
