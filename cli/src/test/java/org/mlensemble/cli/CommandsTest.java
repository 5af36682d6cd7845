package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** predict, evaluate, models, learners and status against a fake api. */
class CommandsTest extends FakeApiTest {

    private static final String PREDICT = "/v1/ml-distributed/predict";

    @Test
    void predictConvertsACsvFileToColumnsAndShowsEachRowWithItsId() throws Exception {
        server.on(PREDICT, r -> TestServer.json(200, "{\"Prediction\":208915.3,\"ProblemType\":\"regression\","
                + "\"Predictions\":[208915.3,171533.0],\"modelId\":\"m-1\",\"members\":{\"used\":4,\"expected\":4,"
                + "\"missing\":[]},\"elapsedMs\":6}"));
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "Id,GrLivArea,Neighborhood,Alley\n11,1710,CollgCr,NA\n12,1262,\"Veenker\",Pave\n");

        Cli.Result r = cli.run("--url", server.url(), "predict", "--file", csv.toString(), "--model-id", "m 1",
                "--deadline-ms", "500");

        assertThat(r.code()).isZero();
        TestServer.Request sent = server.requests(PREDICT).get(0);
        assertThat(sent.body()).isEqualTo("{\"Id\":[11,12],\"GrLivArea\":[1710,1262],"
                + "\"Neighborhood\":[\"CollgCr\",\"Veenker\"],\"Alley\":[null,\"Pave\"]}");
        assertThat(sent.query()).isEqualTo("modelId=m+1&deadlineMs=500");
        assertThat(r.out()).startsWith("""
                ROW  ID  PREDICTION
                  1  11   208915.30
                  2  12   171533.00
                """).contains("members  4 of 4");
    }

    @Test
    void predictSendsAJsonFileAsIs() throws Exception {
        server.on(PREDICT, r -> TestServer.json(200, "{\"Prediction\":180000.5,\"ProblemType\":\"regression\","
                + "\"modelId\":\"m-1\",\"members\":{\"used\":3,\"expected\":4,\"missing\":[\"D\"]},"
                + "\"elapsedMs\":6}"));
        Path json = dir.resolve("one.json");
        String text = "{\n  \"Id\": [2601],\n  \"LotFrontage\": [94.0]\n}\n";
        Files.writeString(json, text);

        Cli.Result r = cli.run("--url", server.url(), "predict", "--file", json.toString());

        assertThat(server.requests(PREDICT).get(0).body()).isEqualTo(text);
        assertThat(r.out()).contains("Prediction  180000.5").contains("members     3 of 4 (missing D)");
    }

    @Test
    void predictRefusesAFileThatIsNotAnObjectOfColumns() throws Exception {
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "[1, 2]");

        Cli.Result r = cli.run("--url", server.url(), "predict", "--file", json.toString());

        assertThat(r.code()).isEqualTo(Exit.USAGE);
        assertThat(r.err()).contains("must hold a JSON object of columns");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void evaluateShowsTheEnsembleEachMemberAndEachLeftOut() {
        server.on("/v1/ml-distributed/evaluate", r -> TestServer.json(200, """
                {"modelId":"m-1","dataset":"house_pricing","rows":1000,"rmse":25123.456,"mae":17000.1,"r2":0.8765,
                 "rmsle":0.1234,"members":{"used":2,"expected":2,"missing":[]},
                 "memberMetrics":{"learner-1":{"rows":1000,"rmse":30000.0,"mae":20000.0,"r2":0.8,"rmsle":0.15},
                                  "learner-2":{"rows":1000,"rmse":31000.0,"mae":21000.0,"r2":0.79,"rmsle":0.16}},
                 "withoutMember":{"learner-1":{"rows":1000,"rmse":31000.0,"mae":21000.0,"r2":0.79,"rmsle":0.16}},
                 "elapsedMs":812}"""));

        Cli.Result r = cli.run("--url", server.url(), "evaluate", "--model-id", "m-1");

        assertThat(Json.parse(server.requests.get(0).body(), "body").path("modelId").asString()).isEqualTo("m-1");
        assertThat(r.out()).contains("house_pricing (test set, 1000 rows)")
                .contains("SCORE OF           ROWS      RMSE       MAE      R2   RMSLE")
                .contains("ensemble           1000  25123.46  17000.10  0.8765  0.1234")
                .contains("learner-2 alone")
                .contains("without learner-1");
    }

    @Test
    void modelsAndLearnersAreTables() {
        long now = System.currentTimeMillis();
        server.on("/v1/ml-distributed/models", r -> TestServer.json(200, "[{\"modelId\":\"m-1\",\"dataset\":"
                + "\"house_pricing\",\"target\":\"SalePrice\",\"algorithm\":\"forest\",\"params\":{\"trees\":25},"
                + "\"seed\":7,\"createdAt\":" + now + ",\"members\":{\"used\":3,\"expected\":4,\"missing\":[\"D\"]},"
                + "\"holders\":[\"learner-1\",\"learner-2\"],\"liveHolders\":[\"learner-1\",\"learner-2\"]}]"));
        server.on("/v1/ml-distributed/learners", r -> TestServer.json(200, "[{\"learnerId\":\"learner-1\",\"shard\":"
                + "\"A\",\"instanceId\":\"i\",\"alive\":true,\"lastSeen\":" + now + ",\"startedAt\":" + now
                + ",\"held\":[{\"modelId\":\"m-0\",\"createdAt\":1},{\"modelId\":\"m-1\",\"createdAt\":2}],"
                + "\"training\":[{\"modelId\":\"m-2\",\"phase\":\"training\",\"percent\":40}],\"loadFailures\":0},"
                + "{\"learnerId\":\"learner-2\",\"shard\":\"B\",\"alive\":false,\"lastSeen\":" + (now - 60_000)
                + ",\"startedAt\":0,\"held\":[],\"training\":[],\"loadFailures\":1}]"));

        Cli.Result models = cli.run("--url", server.url(), "models");
        Cli.Result learners = cli.run("--url", server.url(), "learners");

        assertThat(models.out()).containsPattern("m-1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +house_pricing +SalePrice"
                + " +forest +trees=25 +7 +3 of 4 \\(missing D\\) +learner-1,learner-2");
        assertThat(learners.out()).containsPattern("learner-1 +A +yes +0\\.\\d s ago .* 2 +m-1 +m-2 training 40% +0")
                .containsPattern("learner-2 +B +no +6\\d\\.\\d s ago +- +0 +- +- +1");
    }

    @Test
    void statusProbesEachLoadBalancerAndSummarisesTheCluster() throws Exception {
        String dead = TestServer.deadUrl();
        server.on("/readyz", r -> new TestServer.Reply(200, "application/json", "{\"status\":\"UP\"}",
                Map.of("X-ML-LB", "lb-main", "X-ML-Upstream", "127.0.0.1:9001")));
        server.on("/v1/ml-distributed/learners", r -> TestServer.json(200,
                "[{\"learnerId\":\"learner-1\",\"alive\":true},{\"learnerId\":\"learner-2\",\"alive\":false}]"));
        server.on("/v1/ml-distributed/models", r -> TestServer.json(200, "[{\"modelId\":\"m-9\",\"algorithm\":"
                + "\"tree\",\"createdAt\":0,\"members\":{\"used\":1,\"expected\":2,\"missing\":[\"B\"]}},{\"modelId\":\"m-8\"}]"));

        Cli.Result r = cli.run("--url", dead, "--url", server.url(), "status");

        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("main +" + dead + " +unreachable +- +- +connection refused")
                .containsPattern("backup +" + server.url() + " +reachable +UP +\\d+ ms +lb-main -> api 127.0.0.1:9001")
                .contains("learners      1 of 2 alive (down: learner-2)")
                .contains("latest model  m-9, tree, -, 1 of 2 (missing B) members live");
        assertThat(cli.run("--url", dead, "--url", server.url(), "status", "--strict").code())
                .isEqualTo(Exit.DEGRADED);
        JsonNode json = Json.parse(cli.run("--url", dead, "--url", server.url(), "status", "--json").out(), "out");
        assertThat(json.path("loadBalancers").get(0).path("reachable").asBoolean(true)).isFalse();
        assertThat(json.path("latestModel").path("modelId").asString()).isEqualTo("m-9");
    }

    @Test
    void statusWithNothingReachableIsUnavailable() throws Exception {
        Cli.Result r = cli.run("--url", TestServer.deadUrl(), "status");

        assertThat(r.code()).isEqualTo(Exit.UNAVAILABLE);
        assertThat(r.out()).contains("unreachable").contains("learners      unknown");
    }

    @Test
    void jobShowsAFitsProgress() {
        server.on("/v1/ml-distributed/fit/jobs/m-1", r -> TestServer.json(200, "{\"modelId\":\"m-1\",\"state\":"
                + "\"running\",\"trained\":0,\"failed\":0,\"percent\":40,\"members\":{\"list\":[{\"learnerId\":\"learner-1\","
                + "\"shard\":\"A\",\"alive\":true,\"phase\":\"training\",\"percent\":40}]}}"));

        Cli.Result r = cli.run("--url", server.url(), "job", "m-1");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("state    running, 40%").containsPattern("learner-1 +A +yes +training +40%");
    }
}
