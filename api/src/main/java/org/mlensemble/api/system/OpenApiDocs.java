package org.mlensemble.api.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}):
 * request and response examples for every endpoint, the seed's predict body among them, and the
 * problem+json errors. Kept here rather than in annotations so the controllers stay readable.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocs {

    private static final String PROBLEM = "application/problem+json";
    private static final String JSON = "application/json";

    @Bean
    OpenAPI mlEnsembleOpenApi() {
        return new OpenAPI()
                .info(new Info().title("ml-ensemble").version("1")
                        .description("A distributed ensemble of weak learners over RabbitMQ. Every answer says how "
                                + "many members made it (members.used of members.expected) and which are missing. Members are "
                                + "shards: replicas of a shard count once, and members.servedBy names the learner "
                                + "that served each shard."))
                .components(new Components()
                        .addSchemas("Problem", new ObjectSchema()
                                .addProperty("title", new StringSchema())
                                .addProperty("status", new Schema<Integer>().type("integer"))
                                .addProperty("detail", new StringSchema())
                                .addProperty("instance", new StringSchema()))
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")
                                .description("Needed only when the service runs with ML_API_KEY set; "
                                        + "Authorization: Bearer <key> works as well. Never in the URL.")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    @Bean
    OpenApiCustomizer examples() {
        return api -> {
            if (api.getPaths() == null) {
                return;
            }
            post(api, "/v1/ml-distributed/fit", "Train a new model version on every learner's shard",
                    Map.of("defaults (the seed's call)", "{}",
                            "forest with a quorum", "{\"algorithm\": \"forest\", \"params\": {\"trees\": 25}, "
                                    + "\"seed\": 7, \"quorum\": 3, \"idempotencyKey\": \"nightly-2026-11-26\"}",
                            "async", "{\"algorithm\": \"linear\", \"async\": true}"),
                    "{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": \"house_pricing\", \"target\": "
                            + "\"SalePrice\", \"algorithm\": \"linear\", \"params\": {\"epochs\": 10, \"learningRate\": "
                            + "0.05, \"l2\": 0.0, \"loss\": \"squared\"}, \"seed\": 42, \"members\": {\"used\": 3, "
                            + "\"expected\": 4, \"missing\": [\"D\"], \"servedBy\": {\"A\": \"learner-1\", \"B\": "
                            + "\"learner-2\", \"C\": \"learner-3\"}}, \"learners\": [{\"learnerId\": "
                            + "\"learner-1\", \"shard\": \"A\", \"status\": \"trained\", \"rows\": 500, \"trainMs\": "
                            + "891}, {\"learnerId\": \"learner-4\", \"status\": \"missing\", \"reason\": \"not alive\"}],"
                            + " \"elapsedMs\": 2581}",
                    Map.of("400", "{\"title\": \"Bad request\", \"status\": 400, \"detail\": \"unknown algorithm 'svm'; "
                            + "valid algorithms are linear, tree, forest, boosted\"}",
                            "503", "{\"title\": \"Ensemble unavailable\", \"status\": 503, \"detail\": \"model m-1: 0 "
                                    + "of 4 members trained, quorum is 1\"}"));
            post(api, "/v1/ml-distributed/evaluate", "Score the ensemble's averaged predictions on the test set",
                    Map.of("latest model", "{}", "a given model", "{\"modelId\": \"m-20261126-072220-9a69f3\"}"),
                    "{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": \"house_pricing\", \"rows\": 600, "
                            + "\"rmse\": 40082.2, \"mae\": 28303.3, \"r2\": 0.861, \"rmsle\": 0.196, \"r2_score\": 0.861,"
                            + " \"mean_absolute_error\": 28303.3, \"mean_squared_error\": 1.6066e9, "
                            + "\"mean_squared_log_error\": 0.0382, \"members\": {\"used\": 4, \"expected\": 4, "
                            + "\"missing\": [], \"servedBy\": {\"A\": \"learner-1\"}}, \"memberMetrics\": {\"learner-1\": {\"rows\": 600, \"rmse\": 44272.5, "
                            + "\"mae\": 33265.8, \"r2\": 0.830}}, \"withoutMember\": {\"learner-1\": {\"rows\": 600, "
                            + "\"r2\": 0.856}}}",
                    Map.of("409", "{\"title\": \"No model yet\", \"status\": 409, \"detail\": \"No model has been "
                            + "trained yet: call POST /v1/ml-distributed/fit first.\"}"));
            post(api, "/v1/ml-distributed/predict", "Predict one row or many; the body is column-major",
                    Map.of("the seed's one-row body (abridged)", "{\"Id\": [1461], \"MSSubClass\": [20], "
                            + "\"MSZoning\": [\"RH\"], \"LotFrontage\": [80.0], \"LotArea\": [11622], \"Alley\": [null],"
                            + " \"Neighborhood\": [\"NAmes\"], \"OverallQual\": [5], \"YearBuilt\": [1961], "
                            + "\"GrLivArea\": [896], \"PoolQC\": [null], \"SaleCondition\": [\"Normal\"]}",
                            "two rows", "{\"GrLivArea\": [1710, 1262], \"OverallQual\": [7, 6], "
                                    + "\"Neighborhood\": [\"CollgCr\", \"Veenker\"]}"),
                    "{\"Prediction\": 208915.3, \"ProblemType\": \"regression\", \"Predictions\": [208915.3, "
                            + "171533.0], \"modelId\": \"m-20261126-072220-9a69f3\", \"members\": {\"used\": 4, "
                            + "\"expected\": 4, \"missing\": [], \"servedBy\": {\"A\": \"learner-1\", \"B\": "
                            + "\"learner-6\", \"C\": \"learner-3\", \"D\": \"learner-4\"}}, \"elapsedMs\": 6}",
                    Map.of("400", "{\"title\": \"Bad request\", \"status\": 400, \"detail\": \"unknown column(s) "
                            + "[Foo]; this model was trained on 79 feature columns: [...]\"}",
                            "409", "{\"title\": \"No model yet\", \"status\": 409, \"detail\": \"No model has been "
                                    + "trained yet: call POST /v1/ml-distributed/fit first.\"}",
                            "413", "{\"title\": \"Request too large\", \"status\": 413, \"detail\": \"200000 rows in "
                                    + "one request; the limit is 20000.\"}",
                            "503", "{\"title\": \"Ensemble unavailable\", \"status\": 503, \"detail\": \"The message "
                                    + "broker is unreachable. The request was not sent; retry shortly.\"}"));
            get(api, "/v1/ml-distributed/models", "Model versions held by known learners, newest first",
                    "[{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": \"house_pricing\", \"target\": "
                            + "\"SalePrice\", \"algorithm\": \"linear\", \"seed\": 42, \"createdAt\": 1795677740000, "
                            + "\"members\": 4, \"liveMembers\": 4, \"holders\": [\"learner-1\", \"learner-2\", "
                            + "\"learner-3\", \"learner-4\"], \"shards\": 4, \"liveShards\": 4}]");
            get(api, "/v1/ml-distributed/learners", "Every learner heard from, alive or not",
                    "[{\"learnerId\": \"learner-1\", \"shard\": \"A\", \"alive\": true, \"members\": [], "
                            + "\"training\": [], \"loadFailures\": 0}]");
            get(api, "/v1/ml-distributed/models/{modelId}", "One model version with every member's provenance",
                    "{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": \"house_pricing\", \"target\": "
                            + "\"SalePrice\", \"algorithm\": \"linear\", \"seed\": 42, \"holders\": [\"learner-1\"], "
                            + "\"liveHolders\": [\"learner-1\"], \"shards\": {\"A\": {\"holders\": [\"learner-1\"], "
                            + "\"liveHolders\": [\"learner-1\"]}}, \"members\": [{\"learnerId\": \"learner-1\", "
                            + "\"shard\": \"A\", \"rows\": 500, \"trainMs\": 891, \"provenance\": {\"tribuoVersion\": "
                            + "\"4.3.2\", \"memberSeed\": \"-3217725163271226447\"}}]}");
            get(api, "/v1/ml-distributed/ping", "A broker-free answer: the HTTP floor of the benchmarks",
                    "{\"status\": \"ok\"}");
            get(api, "/v1/ml-distributed/fit/jobs/{modelId}", "Progress of a fit, per member",
                    "{\"modelId\": \"m-1\", \"state\": \"running\", \"trained\": 2, \"failed\": 0, \"percent\": 65, "
                            + "\"members\": [{\"learnerId\": \"learner-1\", \"shard\": \"A\", \"alive\": true, "
                            + "\"phase\": \"trained\", \"percent\": 100}]}");
        };
    }

    private static void post(OpenAPI api, String path, String summary, Map<String, String> requests, String response,
            Map<String, String> problems) {
        PathItem item = api.getPaths().get(path);
        if (item == null || item.getPost() == null) {
            return;
        }
        Operation op = item.getPost().summary(summary);
        MediaType body = new MediaType();
        requests.forEach((name, json) -> body.addExamples(name, new Example().value(parse(json))));
        RequestBody rb = op.getRequestBody() == null ? new RequestBody() : op.getRequestBody();
        op.requestBody(rb.content(new Content().addMediaType(JSON, body)));
        respond(op, response, problems);
    }

    /** Examples are written as JSON text and published as JSON values, not as strings. */
    private static Object parse(String json) {
        return org.mlensemble.common.messaging.MessageCodec.mapper().readValue(json, Object.class);
    }

    private static void get(OpenAPI api, String path, String summary, String response) {
        PathItem item = api.getPaths().get(path);
        if (item == null || item.getGet() == null) {
            return;
        }
        respond(item.getGet().summary(summary), response, Map.of());
    }

    private static void respond(Operation op, String response, Map<String, String> problems) {
        ApiResponse ok = op.getResponses().get("200") == null ? new ApiResponse().description("OK")
                : op.getResponses().get("200");
        ok.content(new Content().addMediaType(JSON, new MediaType().example(parse(response))));
        op.getResponses().addApiResponse("200", ok);
        Map<String, String> all = new LinkedHashMap<>(problems);
        for (Map.Entry<String, String> p : all.entrySet()) {
            op.getResponses().addApiResponse(p.getKey(), new ApiResponse().description("problem details")
                    .content(new Content().addMediaType(PROBLEM, new MediaType()
                            .schema(new Schema<>().$ref("#/components/schemas/Problem")).example(parse(p.getValue())))));
        }
        List.of("401").forEach(code -> op.getResponses().addApiResponse(code, new ApiResponse()
                .description("missing or wrong API key, when the service has one")));
    }
}
