package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.ApiApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document as the real Tomcat serves it: every {@code $ref} resolves, every operation
 * is tagged by resource and documents its request, its answers and its problems.
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api", "ml.prefix=ml-openapi-test", "ml.api.instance-name=api-contract-test"})
class OpenApiContractTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @LocalServerPort
    int port;

    private JsonNode doc;

    @BeforeEach
    void fetch() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v3/api-docs")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        doc = JsonMapper.builder().build().readTree(r.body());
        // kept as test output, to read or to diff against the README
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), r.body());
    }

    @Test
    void everyRefResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as("unresolved $ref " + ref).isFalse();
        }
    }

    @Test
    void everyOperationIsTaggedByResourceAndDocumentsItsAnswersAndProblems() {
        List<String> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                operations.add(name);
                JsonNode o = op.getValue();
                assertThat(o.get("tags")).as(name).isNotEmpty();
                o.get("tags").forEach(t -> assertThat(t.asString()).as(name).doesNotEndWith("-controller"));
                assertThat(o.get("summary")).as(name + " summary").isNotNull();
                JsonNode responses = o.get("responses");
                JsonNode success = responses.has("200") ? responses.get("200") : responses.get("202");
                if (success == null) {
                    assertThat(responses.has("204")).as(name + " success answer").isTrue();
                } else {
                    assertThat(success.at("/content")).as(name + " success content").isNotEmpty();
                    success.get("content").forEach(media -> assertThat(media.has("schema")).as(name + " schema")
                            .isTrue());
                }
                for (Map.Entry<String, JsonNode> answer : responses.properties()) {
                    // the probes answer actuator's {"status": "DOWN"}, which orchestrators read, not a problem
                    boolean probe = path.getKey().equals("/readyz") || path.getKey().equals("/livez");
                    if (!probe && (answer.getKey().startsWith("4") || answer.getKey().startsWith("5"))) {
                        JsonNode problem = answer.getValue().at("/content/application~1problem+json");
                        assertThat(problem.isMissingNode()).as(name + " " + answer.getKey() + " is problem+json")
                                .isFalse();
                        assertThat(problem.at("/schema/$ref").asString()).isEqualTo("#/components/schemas/Problem");
                    }
                }
                if (name.startsWith("POST")) {
                    assertThat(o.at("/requestBody/content")).as(name + " request body").isNotEmpty();
                }
            }
        }
        assertThat(operations).contains("GET /v1/ml-distributed/stats", "GET /v1/ml-distributed/broker",
                "GET /readyz", "GET /livez");
        assertThat(operations).contains("DELETE /v1/ml-distributed/models/{modelId}",
                "PUT /v1/ml-distributed/models/{modelId}/pin", "DELETE /v1/ml-distributed/models/{modelId}/pin");
    }

    @Test
    void theStatusesTheApiAnswersAreDocumented() {
        JsonNode paths = doc.get("paths");
        assertThat(paths.at("/~1v1~1ml-distributed~1fit/post/responses").has("202")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1fit/post/responses").has("503")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1predict/post/responses").has("404")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1predict/post/responses").has("409")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1predict/post/responses").has("503")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1models~1{modelId}/get/responses").has("404")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1models~1{modelId}/delete/responses").has("404")).isTrue();
        assertThat(paths.at("/~1v1~1ml-distributed~1fit~1jobs~1{modelId}/get/responses").has("404")).isTrue();
        assertThat(doc.at("/components/schemas/Problem/properties/type").isMissingNode()).isFalse();
        assertThat(doc.at("/components/schemas/ModelSummary/properties/createdAt/format").asString())
                .isEqualTo("date-time");
        assertThat(doc.at("/components/schemas/LearnerView/properties/lastSeen/type").asString()).isEqualTo("string");
    }

    @Test
    void theServerEntryIsRealNotGenerated() {
        assertThat(doc.get("servers")).isNotEmpty();
        doc.get("servers").forEach(s -> assertThat(s.path("description").asString())
                .doesNotContain("Generated server url"));
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref") && e.getValue().isString()) {
                    out.add(e.getValue().asString());
                } else {
                    collectRefs(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
