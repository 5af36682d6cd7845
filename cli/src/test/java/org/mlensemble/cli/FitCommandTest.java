package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FitCommandTest {

    private static final String FIT = "/v1/ml-distributed/fit";
    private static final String JOB = "/v1/ml-distributed/fit/jobs/m-1";

    private static final String ACCEPTED = """
            {"modelId":"m-1","dataset":"house_pricing","target":"SalePrice","algorithm":"forest",
             "params":{"trees":25,"maxDepth":64},"seed":7,"members":{"used":0,"expected":2,"missing":[]},
             "learners":[],"elapsedMs":0}""";
    private static final String RUNNING = """
            {"modelId":"m-1","state":"running","trained":1,"failed":0,"percent":70,"members":{"list":[
             {"learnerId":"learner-1","shard":"A","alive":true,"phase":"trained","percent":100,"rows":500,"trainMs":812},
             {"learnerId":"learner-2","shard":"B","alive":true,"phase":"training","percent":40}]}}""";
    private static final String DONE = """
            {"modelId":"m-1","state":"done","trained":2,"failed":0,"percent":100,"members":{"list":[
             {"learnerId":"learner-1","shard":"A","alive":true,"phase":"trained","percent":100,"rows":500,"trainMs":812},
             {"learnerId":"learner-2","shard":"B","alive":true,"phase":"trained","percent":100,"rows":480,"trainMs":901}]}}""";
    private static final String DONE_ONE_FAILED = """
            {"modelId":"m-1","state":"done","trained":1,"failed":1,"percent":100,"members":{"list":[
             {"learnerId":"learner-1","shard":"A","alive":true,"phase":"trained","percent":100,"rows":500,"trainMs":812},
             {"learnerId":"learner-2","shard":"B","alive":true,"phase":"failed","percent":100,"reason":"out of memory"}]}}""";
    private static final String SYNC_DONE = """
            {"modelId":"m-2","dataset":"house_pricing","target":"SalePrice","algorithm":"linear","params":{"epochs":5},
             "seed":42,"members":{"used":1,"expected":2,"missing":["B"]},"learners":[
             {"learnerId":"learner-1","shard":"A","status":"trained","rows":500,"trainMs":120},
             {"learnerId":"learner-2","shard":"B","status":"missing","reason":"no answer by the deadline"}],
             "elapsedMs":2000}""";

    private TestServer main;
    private TestServer backup;
    private final Cli cli = new Cli();

    @BeforeEach
    void start() throws Exception {
        main = TestServer.start();
        backup = TestServer.start();
    }

    @AfterEach
    void stop() {
        main.close();
        backup.close();
    }

    private static TestServer.Reply accepted() {
        return new TestServer.Reply(202, "application/json", ACCEPTED, Map.of("Location", JOB));
    }

    @Test
    void sendsAnIdempotencyKeyAndTheSameKeyOnTheRetryAfterA502() {
        main.otherwise(r -> TestServer.badGateway());
        backup.on(FIT, r -> accepted()).on(JOB, r -> TestServer.json(200, DONE));

        Cli.Result r = cli.run("--url", main.url(), "--url", backup.url(), "fit");

        assertThat(r.code()).isEqualTo(Exit.OK);
        String first = main.requests(FIT).get(0).header("Idempotency-Key");
        String retry = backup.requests(FIT).get(0).header("Idempotency-Key");
        assertThat(first).isNotBlank();
        assertThat(first).as("a model id in the api's form").matches("m-\\d{8}-\\d{6}-[0-9a-f]{6}");
        assertThat(retry).isEqualTo(first);
        assertThat(r.err()).contains("main load balancer " + main.url() + " answered 502")
                .contains("using " + backup.url());
    }

    @Test
    void eachInvocationGetsItsOwnKeyUnlessOneIsGiven() {
        backup.on(FIT, r -> accepted()).on(JOB, r -> TestServer.json(200, DONE));

        cli.run("--url", backup.url(), "fit");
        cli.run("--url", backup.url(), "fit");
        cli.run("--url", backup.url(), "fit", "--idempotency-key", "nightly-2026-11-26");

        assertThat(backup.requests(FIT)).extracting(q -> q.header("Idempotency-Key")).doesNotHaveDuplicates()
                .endsWith("nightly-2026-11-26");
    }

    @Test
    void asyncFitPollsTheJobWithoutWaitingAndPrintsTheLearnerTable() {
        AtomicInteger polls = new AtomicInteger();
        main.on(FIT, r -> accepted())
                .on(JOB, r -> TestServer.json(200, polls.incrementAndGet() < 3 ? RUNNING : DONE));

        Cli.Result r = cli.run("--url", main.url(), "fit", "--algorithm", "forest", "--param", "trees=25",
                "--param", "featureFraction=0.5", "--param", "loss=huber", "--seed", "7", "--quorum", "2");

        assertThat(r.code()).isEqualTo(Exit.OK);
        JsonNode body = Json.parse(main.requests(FIT).get(0).body(), "body");
        assertThat(body.path("async").asBoolean(false)).isTrue();
        assertThat(body.path("algorithm").asString()).isEqualTo("forest");
        assertThat(body.path("params").path("trees").isIntegralNumber()).isTrue();
        assertThat(body.path("params").path("featureFraction").asDouble(0)).isEqualTo(0.5);
        assertThat(body.path("params").path("loss").asString()).isEqualTo("huber");
        assertThat(body.path("seed").asLong(0)).isEqualTo(7);
        assertThat(body.path("quorum").asInt(0)).isEqualTo(2);
        assertThat(polls.get()).isEqualTo(3);
        assertThat(cli.sleeps.get()).isEqualTo(2);
        // not a terminal: a line per state change, no carriage returns
        assertThat(r.err()).contains("fit m-1 running").contains("learner-2 (shard B): training")
                .contains("learner-2 (shard B): trained").doesNotContain("\r");
        assertThat(r.out()).contains("model      m-1").contains("2 of 2 trained")
                .containsPattern("learner-2 +B +yes +trained +100% +480 +901");
    }

    @Test
    void aMemberThatFailedIsZeroUnlessStrict() {
        main.on(FIT, r -> accepted()).on(JOB, r -> TestServer.json(200, DONE_ONE_FAILED));

        Cli.Result lenient = cli.run("--url", main.url(), "fit");
        Cli.Result strict = cli.run("--url", main.url(), "fit", "--strict");

        assertThat(lenient.code()).isEqualTo(Exit.OK);
        assertThat(lenient.out()).contains("1 of 2 trained (failed: learner-2)").contains("out of memory");
        assertThat(strict.code()).isEqualTo(Exit.DEGRADED);
    }

    @Test
    void fewerTrainedThanTheQuorumIsUnavailable() {
        main.on(FIT, r -> accepted()).on(JOB, r -> TestServer.json(200, DONE_ONE_FAILED));

        Cli.Result r = cli.run("--url", main.url(), "fit", "--quorum", "2");

        assertThat(r.code()).isEqualTo(Exit.UNAVAILABLE);
        assertThat(r.err()).contains("1 of 2 members trained, quorum is 2");
    }

    @Test
    void syncFitSendsNoAsyncAndPrintsTheLearners() {
        main.on(FIT, r -> TestServer.json(200, SYNC_DONE));

        Cli.Result r = cli.run("--url", main.url(), "fit", "--sync", "--log-target", "--deadline-ms", "5000");

        assertThat(r.code()).isEqualTo(Exit.OK);
        JsonNode body = Json.parse(main.requests(FIT).get(0).body(), "body");
        assertThat(body.has("async")).isFalse();
        assertThat(body.path("logTarget").asBoolean(false)).isTrue();
        assertThat(body.path("deadlineMs").asLong(0)).isEqualTo(5000);
        assertThat(main.requests(FIT).get(0).header("Idempotency-Key")).isNotBlank();
        assertThat(r.out()).contains("1 of 2 (missing B)").containsPattern("learner-2 +B +missing +- +- +no answer");
        assertThat(cli.run("--url", main.url(), "fit", "--sync", "--strict").code()).isEqualTo(Exit.DEGRADED);
    }

    @Test
    void jsonPrintsTheServersAnswer() {
        main.on(FIT, r -> TestServer.json(200, SYNC_DONE));

        Cli.Result r = cli.run("--url", main.url(), "fit", "--sync", "--json");

        assertThat(Json.parse(r.out(), "out").path("modelId").asString()).isEqualTo("m-2");
    }

    @Test
    void noWaitReturnsAtOnceWithTheModelId() {
        main.on(FIT, r -> accepted());

        Cli.Result r = cli.run("--url", main.url(), "fit", "--no-wait");

        assertThat(r.code()).isEqualTo(Exit.OK);
        assertThat(r.out()).contains("m-1").contains("mlctl job m-1 --wait");
        assertThat(main.requests(JOB)).isEmpty();
    }

    @Test
    void aBadParamIsAUsageErrorAndNothingIsSent() {
        Cli.Result r = cli.run("--url", main.url(), "fit", "--param", "trees");

        assertThat(r.code()).isEqualTo(Exit.USAGE);
        assertThat(r.err()).contains("--param wants KEY=VALUE");
        assertThat(main.requests).isEmpty();
    }

    @Test
    void aLostLoadBalancerDuringPollingIsSurvived() {
        AtomicInteger polls = new AtomicInteger();
        // the main one accepts the fit, then answers 502 to every poll: the backup answers those
        main.on(FIT, r -> accepted()).on(JOB, r -> TestServer.badGateway());
        backup.on(JOB, r -> TestServer.json(200, polls.incrementAndGet() < 2 ? RUNNING : DONE));

        Cli.Result r = cli.run("--url", main.url(), "--url", backup.url(), "fit");

        assertThat(r.code()).isEqualTo(Exit.OK);
        assertThat(main.requests(JOB)).hasSize(1);
        assertThat(backup.requests(JOB)).hasSize(2);
    }
}
