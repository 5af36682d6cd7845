package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the command line itself does: where options may stand, help, version, suggestions, usage errors. */
class CommandLineTest extends FakeApiTest {

    private static final String MODELS = "/v1/ml-distributed/models";
    private static final String JOB = "/v1/ml-distributed/fit/jobs/";

    @Test
    void globalOptionsMayComeBeforeOrAfterTheCommand() {
        server.on(MODELS, r -> TestServer.json(200, "[]"));

        Cli.Result before = cli.run("--url", server.url(), "--json", "models");
        Cli.Result after = cli.run("models", "--json", "--url", server.url());

        assertThat(before.code()).isZero();
        assertThat(before.out().strip()).isEqualTo("[]");
        assertThat(after.code()).isZero();
        assertThat(after.out().strip()).isEqualTo("[]");
        assertThat(server.requests(MODELS)).hasSize(2);
    }

    @Test
    void aRepeatedSingleValueOptionKeepsTheLastOne() {
        server.on("/v1/ml-distributed/evaluate", r -> TestServer.json(200, "{\"modelId\":\"m-2\"}"));

        cli.run("--url", server.url(), "evaluate", "--model-id", "m-1", "--model-id=m-2");

        assertThat(Json.parse(server.requests.get(0).body(), "body").path("modelId").asString()).isEqualTo("m-2");
    }

    @Test
    void aMistypedOptionIsAUsageErrorThatSuggestsTheRightOne() {
        Cli.Result r = cli.run("--url", server.url(), "fit", "--sed", "7");

        assertThat(r.code()).isEqualTo(Exit.USAGE);
        assertThat(r.err()).contains("mlctl: unknown option '--sed'\n").contains("--seed")
                .contains("Run 'mlctl fit --help' for usage.");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void aMistypedCommandIsAUsageErrorThatSuggestsTheRightOne() {
        Cli.Result r = cli.run("--url", server.url(), "modles");

        assertThat(r.code()).isEqualTo(Exit.USAGE);
        assertThat(r.err()).contains("unknown command 'modles'").contains("Did you mean: mlctl models");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void anOptionOfAnotherCommandIsRefused() {
        Cli.Result r = cli.run("--url", server.url(), "models", "--file", "x.csv");

        assertThat(r.code()).isEqualTo(Exit.USAGE);
        assertThat(r.err()).contains("unknown option '--file'");
    }

    @Test
    void badValuesAreUsageErrorsThatNameTheOption() {
        assertThat(cli.run("--url", server.url(), "fit", "--seed", "x").err()).contains("'--seed'").contains("'x'");
        assertThat(cli.run("--url", server.url(), "fit", "--seed").err()).contains("Missing required parameter");
        assertThat(cli.run("--url", server.url(), "fit", "--quorum", "0").err()).contains("--quorum must be positive");
        assertThat(cli.run("--url", server.url(), "fit", "--sync=yes").code()).isEqualTo(Exit.USAGE);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void dashHIsHelpAndDoubleDashEndsOptions() {
        server.on(JOB + "--weird-id", r -> TestServer.json(200, "{\"modelId\":\"--weird-id\",\"state\":\"done\","
                + "\"trained\":0,\"members\":[]}"));

        assertThat(cli.run("job", "-h").out()).startsWith("Usage: mlctl job MODEL_ID");
        Cli.Result weird = cli.run("--url", server.url(), "job", "--", "--weird-id");
        assertThat(weird.code()).as(weird.err()).isZero();
        assertThat(weird.out()).contains("model    --weird-id");
    }

    @Test
    void versionNamesTheClient() {
        Cli.Result r = cli.run("--version");

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("mlctl ").contains("Java");
        assertThat(cli.run("fit", "--version").out()).startsWith("mlctl ");
    }

    @Test
    void helpListsEveryCommandAndEachCommandsOwnOptions() {
        Cli.Result all = cli.run("--help");
        Cli.Result fit = cli.run("help", "fit");

        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("fit", "evaluate", "predict", "models", "learners", "status", "job", "dataset",
                "--url", "ML_API_KEY", "Exit codes:");
        assertThat(fit.out()).startsWith("Usage: mlctl fit").contains("--idempotency-key=KEY", "--url=URL",
                "[" + org.mlensemble.common.learning.RequestDefaults.FIT_DEADLINE_MS + "]");
        assertThat(cli.run("dataset", "upload", "--help").out()).startsWith("Usage: mlctl dataset upload FILE");
    }

    @Test
    void anUnknownJobExitsThreeWhetherTheApiSays404OrPending() {
        server.on(JOB + "m-404", r -> TestServer.problem(404, "Not Found", "no fit m-404"));
        server.on(JOB + "m-nobody", r -> TestServer.json(200, "{\"modelId\":\"m-nobody\",\"state\":\"pending\","
                + "\"trained\":0,\"failed\":0,\"percent\":0,\"members\":[{\"learnerId\":\"learner-1\",\"shard\":\"A\","
                + "\"alive\":true,\"phase\":\"pending\",\"percent\":0}]}"));

        Cli.Result notFound = cli.run("--url", server.url(), "job", "m-404");
        Cli.Result pending = cli.run("--url", server.url(), "job", "m-nobody");

        assertThat(notFound.code()).isEqualTo(Exit.REJECTED);
        assertThat(notFound.err()).contains("404");
        assertThat(pending.code()).isEqualTo(Exit.REJECTED);
        assertThat(pending.err()).contains("no learner has reported on fit m-nobody");
        assertThat(pending.out()).contains("state    pending, 0%");
        assertThat(cli.run("--url", server.url(), "job").code()).isEqualTo(Exit.USAGE);
    }

    @Test
    void humanOutputIsRoundedAndJsonKeepsEveryDigit() {
        String answer = "{\"Prediction\":180000.123456789,\"modelId\":\"m-1\",\"members\":{\"used\":4,\"expected\":4,"
                + "\"missing\":[]},\"elapsedMs\":6}";
        server.on("/v1/ml-distributed/predict", r -> TestServer.json(200, answer));
        cli.stdin = "{\"GrLivArea\":[1710]}";

        Cli.Result human = cli.run("--url", server.url(), "predict", "--file", "-");
        Cli.Result json = cli.run("--url", server.url(), "predict", "--file", "-", "--json");

        assertThat(human.out()).contains("Prediction  180000.12\n").doesNotContain("180000.123");
        assertThat(json.out().strip()).isEqualTo(answer);
    }
}
