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
import io.swagger.v3.oas.models.servers.Server;
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
                                + "that served each shard. members has this one shape everywhere (predict, evaluate, "
                                + "fit, fit jobs, the model listing, one model), with a list of per-learner detail "
                                + "where an answer has it. Errors are application/problem+json (RFC 9457) whose type is "
                                + "a URI urn:ml-ensemble:problem:<name>, listed in the README."))
                // relative: whichever load balancer (:80, :81) or api instance served this document
                .servers(List.of(new Server().url("/").description("the host that served this document: the main "
                        + "load balancer (:80), the backup (:81) or an api instance")))
                .tags(List.of(tag("fit", "train model versions and follow their progress"),
                        tag("predict", "predictions of the ensemble"),
                        tag("evaluate", "scores on a dataset's labelled test set"),
                        tag("models", "model versions: list, show, delete, pin"),
                        tag("learners", "the learners as presence shows them"),
                        tag("datasets", "upload, list, show and delete datasets"),
                        tag("operations", "what the dashboard plots: request rate, latency, replies, broker queues"),
                        tag("system", "sign-in for the dashboard and the broker-free ping")))
                .components(new Components()
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")
                                .description("Needed only when the service runs with ML_API_KEY set; "
                                        + "Authorization: Bearer <key> works as well. Never in the URL.")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    private static io.swagger.v3.oas.models.tags.Tag tag(String name, String description) {
        return new io.swagger.v3.oas.models.tags.Tag().name(name).description(description);
    }

    /** Problems per operation: status to an example detail. Every operation may also answer 401. */
    private static final Map<String, Map<String, String>> PROBLEMS = Map.ofEntries(
            Map.entry("POST /v1/ml-distributed/fit", Map.of(
                    "400", "unknown algorithm 'svm'; valid algorithms are linear, tree, forest, boosted",
                    "413", "The body is larger than the limit of 16777216 bytes.",
                    "503", "model m-20261126-072220-9a69f3: 0 of 4 members (shards) trained, quorum is 1. Learners: "
                            + "learner-1 failed (disk full)")),
            Map.entry("GET /v1/ml-distributed/fit/jobs/{modelId}", Map.of(
                    "404", "No learner knows a fit of model 'm-20200101-000000-abcdef', and it was not started within"
                            + " the last PT15M; GET /v1/ml-distributed/models lists the models.")),
            Map.entry("POST /v1/ml-distributed/predict", Map.of(
                    "400", "unknown column(s) Foo; this model was trained on 79 feature columns: ...",
                    "404", "Model 'm-20261126-072220-9a69f3' was deleted at 2026-11-26T09:12:40Z (DELETE "
                            + "/v1/ml-distributed/models/m-20261126-072220-9a69f3).",
                    "409", "The newest models whose columns accept the request are of 2 datasets or targets, so none is"
                            + " a safe default: m-20261201-050234-7132e9 (mydata -> price, created 2026-12-01T05:02:34Z);"
                            + " m-20261126-072220-9a69f3 (house_pricing -> SalePrice, created 2026-11-26T07:22:20Z)."
                            + " Pass modelId (or, for evaluate, dataset) to choose.",
                    "413", "200000 rows in one request; the limit is 20000.",
                    "503", "The message broker is unreachable. The request was not sent; retry shortly.")),
            Map.entry("POST /v1/ml-distributed/evaluate", Map.of(
                    "400", "deadlineMs must be between 1 and 600000",
                    "404", "Model 'm-20261126-072220-9a69f3' was removed by retention at 2026-11-26T09:12:40Z: the "
                            + "learners keep the newest ml.learner.retention models; pin a model to keep it.",
                    "409", "No model has been trained yet: call POST /v1/ml-distributed/fit first.",
                    "503", "model m-1: 0 of 4 members (shards) answered before the deadline, quorum is 1")),
            Map.entry("GET /v1/ml-distributed/models/{modelId}", Map.of(
                    "404", "No known learner holds model 'm-1', and none remembers removing it; GET "
                            + "/v1/ml-distributed/models lists the models.")),
            Map.entry("DELETE /v1/ml-distributed/models/{modelId}", Map.of(
                    "404", "Model 'm-20261126-072220-9a69f3' was deleted at 2026-11-26T09:12:40Z (DELETE "
                            + "/v1/ml-distributed/models/m-20261126-072220-9a69f3).",
                    "503", "The message broker is unreachable (connection refused). The request was not sent; retry"
                            + " shortly.")),
            Map.entry("PUT /v1/ml-distributed/models/{modelId}/pin", Map.of(
                    "404", "No known learner holds model 'm-1', and none remembers removing it; GET "
                            + "/v1/ml-distributed/models lists the models.",
                    "503", "No live learner holding model m-1 confirmed the change (pinned); its holders [learner-4]"
                            + " get the job when they are back within PT15M.")),
            Map.entry("DELETE /v1/ml-distributed/models/{modelId}/pin", Map.of(
                    "404", "No known learner holds model 'm-1', and none remembers removing it; GET "
                            + "/v1/ml-distributed/models lists the models.",
                    "503", "No live learner holding model m-1 confirmed the change (unpinned); its holders "
                            + "[learner-4] get the job when they are back within PT15M.")),
            Map.entry("POST /v1/ml-distributed/datasets/{name}", Map.of(
                    "400", "line 17: 12 cells, the header has 13",
                    "409", "dataset 'mydata' is being uploaded through this api instance already",
                    "413", "the upload is larger than ml.api.datasets.max-upload-bytes (2147483648 bytes)",
                    "415", "Send the dataset as text/csv (optionally with Content-Encoding: gzip), got application/json",
                    "503", "no live learner for shard C")),
            Map.entry("GET /v1/ml-distributed/datasets/{name}", Map.of(
                    "404", "No known learner holds dataset 'mydata'; GET /v1/ml-distributed/datasets lists them.")),
            Map.entry("DELETE /v1/ml-distributed/datasets/{name}", Map.of(
                    "400", "the dataset name must be 1-64 letters, digits, '_', '-' or '.', got '..'",
                    "404", "No known learner holds dataset 'mydata'; GET /v1/ml-distributed/datasets lists them.",
                    "503", "The message broker is unreachable (connection refused); retry shortly.")),
            Map.entry("POST /dashboard/session", Map.of(
                    "400", "Send {\"apiKey\": \"...\"}.")));

    private static final Map<String, String> TITLES = Map.of("400", "Bad request", "401", "Unauthorized", "404",
            "Unknown model", "409", "No model yet", "413", "Request too large", "415", "Unsupported media type", "503",
            "Ensemble unavailable");

    /** Success answers' examples, by operation. */
    private static final Map<String, String> ANSWERS = Map.ofEntries(
            Map.entry("POST /v1/ml-distributed/fit", "{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": "
                    + "\"house_pricing\", \"target\": \"SalePrice\", \"algorithm\": \"linear\", \"params\": "
                    + "{\"epochs\": 10, \"learningRate\": 0.05, \"l2\": 0.0, \"loss\": \"squared\"}, \"seed\": 42, "
                    + "\"members\": {\"used\": 3, \"expected\": 4, \"missing\": [\"D\"], \"servedBy\": {\"A\": "
                    + "\"learner-1\", \"B\": \"learner-2\", \"C\": \"learner-3\"}}, \"learners\": [{\"learnerId\": "
                    + "\"learner-1\", \"shard\": \"A\", \"status\": \"trained\", \"rows\": 500, \"trainMs\": 891}, "
                    + "{\"learnerId\": \"learner-4\", \"status\": \"missing\", \"reason\": \"not alive\"}], "
                    + "\"elapsedMs\": 2581}"),
            Map.entry("POST /v1/ml-distributed/evaluate", "{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": "
                    + "\"house_pricing\", \"rows\": 600, \"rmse\": 40082.2, \"mae\": 28303.3, \"r2\": 0.861, "
                    + "\"rmsle\": 0.196, \"r2_score\": 0.861, \"mean_absolute_error\": 28303.3, "
                    + "\"mean_squared_error\": 1.6066e9, \"mean_squared_log_error\": 0.0382, \"members\": {\"used\": "
                    + "4, \"expected\": 4, \"missing\": [], \"servedBy\": {\"A\": \"learner-1\"}}, "
                    + "\"memberMetrics\": {\"learner-1\": {\"rows\": 600, \"rmse\": 44272.5, \"mae\": 33265.8, "
                    + "\"r2\": 0.830}}, \"withoutMember\": {\"learner-1\": {\"rows\": 600, \"r2\": 0.856}}, "
                    + "\"sample\": [[208500.0, 201334.2]], \"elapsedMs\": 412}"),
            Map.entry("POST /v1/ml-distributed/predict", "{\"Prediction\": 208915.3, \"ProblemType\": \"regression\", "
                    + "\"Predictions\": [208915.3, 171533.0], \"modelId\": \"m-20261126-072220-9a69f3\", "
                    + "\"members\": {\"used\": 4, \"expected\": 4, \"missing\": [], \"servedBy\": {\"A\": "
                    + "\"learner-1\", \"B\": \"learner-6\", \"C\": \"learner-3\", \"D\": \"learner-4\"}}, "
                    + "\"elapsedMs\": 6}"),
            Map.entry("GET /v1/ml-distributed/models", "[{\"modelId\": \"m-20261126-072220-9a69f3\", \"dataset\": "
                    + "\"house_pricing\", \"target\": \"SalePrice\", \"algorithm\": \"linear\", \"seed\": 42, "
                    + "\"createdAt\": \"2026-11-26T07:22:20.114Z\", \"members\": {\"used\": 3, \"expected\": 4, "
                    + "\"missing\": [\"D\"], \"servedBy\": {}}, \"holders\": [\"learner-1\", \"learner-2\", "
                    + "\"learner-3\", \"learner-4\"], \"liveHolders\": [\"learner-1\", \"learner-2\", "
                    + "\"learner-3\"], \"pinned\": false}]"),
            Map.entry("GET /v1/ml-distributed/models/{modelId}", "{\"modelId\": \"m-20261126-072220-9a69f3\", "
                    + "\"dataset\": \"house_pricing\", \"target\": \"SalePrice\", \"algorithm\": \"linear\", "
                    + "\"seed\": 42, \"holders\": [\"learner-1\"], \"liveHolders\": [\"learner-1\"], \"shards\": "
                    + "{\"A\": {\"holders\": [\"learner-1\"], \"liveHolders\": [\"learner-1\"]}}, \"members\": "
                    + "{\"used\": 1, \"expected\": 1, \"missing\": [], \"servedBy\": {}, \"list\": "
                    + "[{\"learnerId\": \"learner-1\", \"shard\": \"A\", \"rows\": 500, \"trainMs\": 891, "
                    + "\"holdoutRmse\": null, \"provenance\": {\"tribuoVersion\": \"4.3.2\"}}]}, \"pinned\": true, "
                    + "\"columns\": [\"GrLivArea\", \"Id\", \"SalePrice\"]}"),
            Map.entry("DELETE /v1/ml-distributed/models/{modelId}", "{\"modelId\": \"m-20261126-072220-9a69f3\", "
                    + "\"action\": \"deleted\", \"learners\": [\"learner-1\", \"learner-2\", \"learner-3\"], "
                    + "\"pending\": [\"learner-4\"], \"elapsedMs\": 14}"),
            Map.entry("PUT /v1/ml-distributed/models/{modelId}/pin", "{\"modelId\": \"m-20261126-072220-9a69f3\", "
                    + "\"action\": \"pinned\", \"learners\": [\"learner-1\", \"learner-2\", \"learner-3\", "
                    + "\"learner-4\"], \"pending\": [], \"elapsedMs\": 9}"),
            Map.entry("DELETE /v1/ml-distributed/models/{modelId}/pin", "{\"modelId\": \"m-20261126-072220-9a69f3\", "
                    + "\"action\": \"unpinned\", \"learners\": [\"learner-1\", \"learner-2\", \"learner-3\", "
                    + "\"learner-4\"], \"pending\": [], \"elapsedMs\": 9}"),
            Map.entry("GET /v1/ml-distributed/learners", "[{\"learnerId\": \"learner-1\", \"shard\": \"A\", "
                    + "\"alive\": true, \"held\": [], \"training\": [], \"loadFailures\": 0, \"pinned\": [], "
                    + "\"removed\": [{\"modelId\": \"m-20261126-072220-9a69f3\", \"cause\": \"retention-count\", "
                    + "\"removedAt\": \"2026-11-26T09:12:40.007Z\"}]}]"),
            Map.entry("GET /v1/ml-distributed/fit/jobs/{modelId}", "{\"modelId\": \"m-20261126-072220-9a69f3\", "
                    + "\"state\": \"running\", \"trained\": 2, \"failed\": 0, \"percent\": 65, \"members\": "
                    + "{\"used\": 2, \"expected\": 4, \"missing\": [\"C\", \"D\"], \"servedBy\": {\"A\": "
                    + "\"learner-1\", \"B\": \"learner-2\"}, \"list\": [{\"learnerId\": \"learner-1\", "
                    + "\"shard\": \"A\", \"alive\": true, \"phase\": \"trained\", \"percent\": 100}, "
                    + "{\"learnerId\": \"learner-3\", \"shard\": \"C\", \"alive\": true, \"phase\": "
                    + "\"training\", \"percent\": 40}]}}"),
            Map.entry("GET /v1/ml-distributed/ping", "{\"status\": \"ok\"}"),
            Map.entry("GET /v1/ml-distributed/stats", "{\"instance\": \"api-1\", \"intervalSeconds\": 5.0, "
                    + "\"samples\": [{\"at\": \"2026-12-01T12:00:05Z\", \"requestsPerSecond\": 41.2, \"p50Ms\": "
                    + "6.1, \"p99Ms\": 38.5, \"lateReplies\": {\"learner-4\": 2}, \"missingReplies\": "
                    + "{\"learner-4\": 1}}]}"),
            Map.entry("GET /v1/ml-distributed/broker", "{\"at\": \"2026-12-01T12:00:05Z\", \"reachable\": true, "
                    + "\"problem\": null, \"vhost\": \"ml\", \"node\": \"rabbit@host\", \"version\": \"3.13.7\", "
                    + "\"queues\": [{\"name\": \"ml.learner.learner-1\", \"type\": \"classic\", \"messages\": 3, "
                    + "\"ready\": 2, \"unacknowledged\": 1, \"consumers\": 4}], \"connections\": [{\"name\": "
                    + "\"api-1 scatter-gather\", \"user\": \"ml-api\", \"state\": \"running\"}]}"));

    /** Request bodies' examples, by operation. */
    private static final Map<String, Map<String, String>> REQUESTS = Map.of(
            "POST /v1/ml-distributed/fit", Map.of("defaults (the seed's call)", "{}",
                    "forest with a quorum", "{\"algorithm\": \"forest\", \"params\": {\"trees\": 25}, \"seed\": 7, "
                            + "\"quorum\": 3, \"idempotencyKey\": \"nightly-2026-11-26\"}",
                    "async", "{\"algorithm\": \"linear\", \"async\": true}"),
            "POST /v1/ml-distributed/evaluate", Map.of("the newest model (of the only dataset)", "{}",
                    "the newest model of a dataset", "{\"dataset\": \"house_pricing\"}",
                    "a given model", "{\"modelId\": \"m-20261126-072220-9a69f3\"}"),
            "POST /v1/ml-distributed/predict", Map.of("the seed's one-row body (abridged)", "{\"Id\": [1461], "
                    + "\"MSSubClass\": [20], \"MSZoning\": [\"RH\"], \"LotFrontage\": [80.0], \"LotArea\": [11622], "
                    + "\"Alley\": [null], \"Neighborhood\": [\"NAmes\"], \"OverallQual\": [5], \"YearBuilt\": [1961],"
                    + " \"GrLivArea\": [896], \"PoolQC\": [null], \"SaleCondition\": [\"Normal\"]}",
                    "two rows", "{\"GrLivArea\": [1710, 1262], \"OverallQual\": [7, 6], \"Neighborhood\": "
                            + "[\"CollgCr\", \"Veenker\"]}"),
            "POST /dashboard/session", Map.of("sign in", "{\"apiKey\": \"...\"}"));

    @Bean
    OpenApiCustomizer describe() {
        return api -> {
            if (api.getPaths() == null) {
                return;
            }
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components);
            components.addSchemas("Problem", problemSchema());
            components.addSchemas("FitRequest", fitRequestSchema());
            components.addSchemas("EvaluateRequest", new ObjectSchema()
                    .description("Optional; without modelId the newest model of dataset is scored (of the only"
                            + " dataset with models when dataset is absent too)")
                    .addProperty("modelId", new StringSchema())
                    .addProperty("dataset", new StringSchema())
                    .addProperty("deadlineMs", new Schema<Long>().type("integer").format("int64"))
                    .addProperty("quorum", new Schema<Integer>().type("integer"))
                    .addProperty("weighted", new Schema<Boolean>().type("boolean")));
            components.addSchemas("PredictRows", new ObjectSchema()
                    .description("Rows column by column: each column name to its values, one per row; null is a"
                            + " missing value")
                    .additionalProperties(new io.swagger.v3.oas.models.media.ArraySchema()
                            .items(new Schema<>().nullable(true))));
            components.addSchemas("Evaluation", evaluationSchema());
            if (components.getSchemas() != null) {
                components.getSchemas().remove("JsonNode");
                // points in time leave the API as ISO-8601 UTC strings (FiniteNumbers)
                components.getSchemas().values().forEach(schema -> {
                    if (schema.getProperties() != null) {
                        FiniteNumbers.TIMESTAMPS.forEach(name -> schema.getProperties().computeIfPresent(name,
                                (k, v) -> new StringSchema().format("date-time").nullable(true)
                                        .example("2026-11-26T07:22:20Z")));
                    }
                });
            }
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
                    describe(method.name() + " " + path, path, op)));
            // actuator's probes on the public port (the rest of actuator is on the management port)
            api.getPaths().addPathItem("/readyz", probe("Readiness of this api instance: broker connected and"
                    + " presence heard; what the load balancers' /actuator/health returns"));
            api.getPaths().addPathItem("/livez", probe("Liveness of this api instance"));
        };
    }

    /** A probe: open without a key, {"status": "UP"} with 200, or the same shape with "DOWN" and 503. */
    private static PathItem probe(String summary) {
        Schema<?> status = new ObjectSchema().addProperty("status", new StringSchema()._enum(List.of("UP", "DOWN")));
        Operation op = new Operation().summary(summary).tags(List.of("system")).security(List.of())
                .responses(new io.swagger.v3.oas.models.responses.ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("UP").content(new Content()
                                .addMediaType(JSON, new MediaType().schema(status)
                                        .example(Map.of("status", "UP")))))
                        .addApiResponse("503", new ApiResponse().description("DOWN, as {\"status\": \"DOWN\"} "
                                + "(not a problem: orchestrators read the status)").content(new Content()
                                .addMediaType("application/vnd.spring-boot.actuator.v3+json", new MediaType()
                                        .schema(status).example(Map.of("status", "DOWN"))))));
        return new PathItem().get(op);
    }

    private static void describe(String key, String path, Operation op) {
        op.setTags(List.of(tagOf(path)));
        if (op.getSummary() == null) {
            op.setSummary(SUMMARIES.getOrDefault(key, key));
        }
        Map<String, String> requests = REQUESTS.getOrDefault(key, Map.of());
        Schema<?> requestSchema = switch (key) {
            case "POST /v1/ml-distributed/fit" -> ref("FitRequest");
            case "POST /v1/ml-distributed/evaluate" -> ref("EvaluateRequest");
            case "POST /v1/ml-distributed/predict" -> ref("PredictRows");
            case "POST /dashboard/session" -> new ObjectSchema().addProperty("apiKey", new StringSchema());
            default -> null;
        };
        if (key.equals("POST /v1/ml-distributed/datasets/{name}")) {
            op.requestBody(new RequestBody().required(true).description("a CSV file with a header line")
                    .content(new Content().addMediaType("text/csv", new MediaType()
                            .schema(new StringSchema().format("binary")))));
        } else if (requestSchema != null) {
            MediaType body = new MediaType().schema(requestSchema);
            requests.forEach((name, json) -> body.addExamples(name, new Example().value(parse(json))));
            op.requestBody(new RequestBody().required(false).content(new Content().addMediaType(JSON, body)));
        }
        io.swagger.v3.oas.models.responses.ApiResponses responses = op.getResponses();
        ApiResponse ok = responses.get("200");
        if (ok != null) {
            Schema<?> schema = key.equals("POST /v1/ml-distributed/evaluate") ? ref("Evaluation") : schemaOf(ok);
            if (schema == null) {
                responses.addApiResponse("204", new ApiResponse().description("Done; no body"));
                responses.remove("200");
            } else {
                MediaType media = new MediaType().schema(schema);
                if (ANSWERS.containsKey(key)) {
                    media.example(parse(ANSWERS.get(key)));
                }
                ok.description("OK").content(new Content().addMediaType(JSON, media));
            }
        }
        if (key.equals("POST /v1/ml-distributed/fit")) {
            responses.addApiResponse("202", new ApiResponse()
                    .description("async: accepted; follow the Location, GET /v1/ml-distributed/fit/jobs/{modelId}")
                    .addHeaderObject("Location", new io.swagger.v3.oas.models.headers.Header()
                            .schema(new StringSchema()))
                    .content(new Content().addMediaType(JSON, new MediaType().schema(ref("FitOutcome")))));
        }
        Map<String, String> problems = new java.util.TreeMap<>(PROBLEMS.getOrDefault(key, Map.of()));
        problems.put("401", "This service needs an API key: send X-API-Key or Authorization: Bearer.");
        problems.forEach((status, detail) -> {
            String title = title(key, status);
            Map<String, Object> example = new LinkedHashMap<>();
            example.put("type", ApiProblem.typeOf(title));
            example.put("title", title);
            example.put("status", Integer.parseInt(status));
            example.put("detail", detail);
            responses.addApiResponse(status, new ApiResponse().description(title).content(new Content()
                    .addMediaType(PROBLEM, new MediaType().schema(ref("Problem")).example(example))));
        });
    }

    private static String title(String key, String status) {
        String detail = PROBLEMS.getOrDefault(key, Map.of()).getOrDefault(status, "");
        if (status.equals("404")) {
            return detail.contains("was deleted") || detail.contains("removed by retention") ? "Model removed"
                    : key.contains("/datasets") ? "Unknown dataset" : key.contains("/fit/jobs") ? "Unknown fit job"
                    : "Unknown model";
        }
        if (status.equals("409")) {
            return detail.startsWith("The newest models") ? "Ambiguous default model"
                    : key.contains("/datasets") ? "Upload in progress" : "No model yet";
        }
        return TITLES.getOrDefault(status, "Problem");
    }

    private static final Map<String, String> SUMMARIES = Map.ofEntries(
            Map.entry("POST /v1/ml-distributed/fit", "Train a new model version on every learner's shard"),
            Map.entry("GET /v1/ml-distributed/fit/jobs/{modelId}", "Progress of a fit, per learner"),
            Map.entry("POST /v1/ml-distributed/evaluate", "Score the ensemble's averaged predictions on the test set"),
            Map.entry("POST /v1/ml-distributed/predict", "Predict one row or many; the body is column-major"),
            Map.entry("GET /v1/ml-distributed/models", "Model versions held by known learners, newest first"),
            Map.entry("GET /v1/ml-distributed/models/{modelId}", "One model version with every member's provenance"),
            Map.entry("DELETE /v1/ml-distributed/models/{modelId}", "Delete a model version on every learner"),
            Map.entry("PUT /v1/ml-distributed/models/{modelId}/pin", "Pin a model version: retention keeps it"),
            Map.entry("DELETE /v1/ml-distributed/models/{modelId}/pin", "Unpin a model version"),
            Map.entry("GET /v1/ml-distributed/learners", "Every learner heard from, alive or not"),
            Map.entry("GET /v1/ml-distributed/ping", "A broker-free answer: the HTTP floor of the benchmarks"),
            Map.entry("GET /v1/ml-distributed/stats", "This api instance's requests/s, p50/p99 latency and late or"
                    + " missing replies per learner, sampled every 5 s over the last 10 minutes"),
            Map.entry("GET /v1/ml-distributed/broker", "The broker's queues with their depths and its connections,"
                    + " from its management API (reachable: false and why when it cannot be asked)"),
            Map.entry("GET /v1/ml-distributed/datasets", "Datasets the learners hold"),
            Map.entry("GET /v1/ml-distributed/datasets/{name}", "One dataset: shards, rows, checksums, holders"),
            Map.entry("POST /v1/ml-distributed/datasets/{name}", "Upload a CSV, split into the test set and shards"),
            Map.entry("DELETE /v1/ml-distributed/datasets/{name}", "Delete a dataset on every learner"),
            Map.entry("GET /dashboard/session", "Whether the dashboard's session is signed in"),
            Map.entry("POST /dashboard/session", "Trade the API key for the dashboard's session cookie"),
            Map.entry("DELETE /dashboard/session", "Sign the dashboard out"));

    private static String tagOf(String path) {
        String rest = path.startsWith("/v1/ml-distributed/") ? path.substring("/v1/ml-distributed/".length()) : "";
        String first = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        return switch (first) {
            case "fit", "predict", "evaluate", "models", "learners", "datasets" -> first;
            case "stats", "broker" -> "operations";
            default -> "system";
        };
    }

    private static Schema<?> schemaOf(ApiResponse response) {
        if (response.getContent() == null) {
            return null;
        }
        return response.getContent().values().stream().map(MediaType::getSchema).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details; some problems add members such as "
                + "candidates (409 Ambiguous default model) or cause and removedAt (404 Model removed)")
                .addProperty("type", new StringSchema().format("uri")
                        .description("urn:ml-ensemble:problem:<name>; one per title, listed in the README"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new Schema<Integer>().type("integer"))
                .addProperty("detail", new StringSchema().description("what to change"))
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .additionalProperties(true);
    }

    private static Schema<?> fitRequestSchema() {
        Schema<Object> integer = new Schema<>().type("integer");
        return new ObjectSchema().description("Optional; every field has a default")
                .addProperty("dataset", new StringSchema()._default("house_pricing"))
                .addProperty("target", new StringSchema()._default("SalePrice"))
                .addProperty("algorithm", new StringSchema()._enum(List.of("linear", "tree", "forest"))._default("linear"))
                .addProperty("params", new ObjectSchema().description("the algorithm's hyperparameters"))
                .addProperty("seed", new Schema<Long>().type("integer").format("int64")._default(42L))
                .addProperty("sampling", new StringSchema()._enum(List.of("shard", "bootstrap")))
                .addProperty("logTarget", new Schema<Boolean>().type("boolean"))
                .addProperty("weighted", new Schema<Boolean>().type("boolean"))
                .addProperty("columnTypes", new ObjectSchema().additionalProperties(new StringSchema()
                        ._enum(List.of("numeric", "categorical"))))
                .addProperty("ignore", new io.swagger.v3.oas.models.media.ArraySchema().items(new StringSchema()))
                .addProperty("deadlineMs", integer)
                .addProperty("quorum", new Schema<Integer>().type("integer"))
                .addProperty("idempotencyKey", new StringSchema().description("a model id (m-yyyyMMdd-HHmmss-hex) "
                        + "is taken as the id; any other key names the same model on a retry"))
                .addProperty("async", new Schema<Boolean>().type("boolean"));
    }

    private static Schema<?> evaluationSchema() {
        Schema<Object> number = new Schema<>().type("number").nullable(true);
        ObjectSchema metrics = new ObjectSchema();
        metrics.addProperty("rows", new Schema<Integer>().type("integer"));
        List.of("rmse", "mae", "r2", "rmsle").forEach(m -> metrics.addProperty(m, number));
        ObjectSchema out = new ObjectSchema();
        out.addProperty("modelId", new StringSchema());
        out.addProperty("dataset", new StringSchema());
        out.addProperty("rows", new Schema<Integer>().type("integer"));
        List.of("rmse", "mae", "r2", "rmsle", "r2_score", "mean_absolute_error", "mean_squared_error",
                "mean_squared_log_error").forEach(m -> out.addProperty(m, number));
        out.addProperty("members", ref("Members"));
        out.addProperty("memberMetrics", new ObjectSchema().additionalProperties(metrics));
        out.addProperty("withoutMember", new ObjectSchema().additionalProperties(metrics));
        out.addProperty("sample", new io.swagger.v3.oas.models.media.ArraySchema().description("[actual, predicted]"
                + " pairs, at most 500").items(new io.swagger.v3.oas.models.media.ArraySchema().items(number)));
        out.addProperty("elapsedMs", new Schema<Long>().type("integer").format("int64"));
        return out;
    }

    /** Examples are written as JSON text and published as JSON values, not as strings. */
    private static Object parse(String json) {
        return org.mlensemble.common.messaging.MessageCodec.mapper().readValue(json, Object.class);
    }
}
