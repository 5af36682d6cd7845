package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.ApiApplication;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker's management UI tells this api's connections apart by process and role. Reads the
 * connections from the local broker's management API; skips when it is not reachable.
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api", "ml.prefix=ml-openapi-test", "ml.api.instance-name=api-contract-test"})
class ConnectionNamesTest {

    private static final String MANAGEMENT = System.getProperty("ml.test.rabbit-management",
            "http://127.0.0.1:15672");

    @Test
    void connectionsAreNamedAfterTheInstanceAndTheirRole() {
        Assumptions.assumeTrue(connectionNames() != null, "no RabbitMQ management API at " + MANAGEMENT);
        // the management statistics lag the connections by a few seconds
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(connectionNames()).contains("api-contract-test presence",
                        "api-contract-test scatter-gather"));
    }

    private static List<String> connectionNames() {
        try {
            String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(MANAGEMENT + "/api/connections?columns=client_properties.connection_name"))
                    .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            List<String> names = new ArrayList<>();
            for (JsonNode c : JsonMapper.builder().build().readTree(r.body())) {
                names.add(c.at("/client_properties/connection_name").asString(""));
            }
            return names;
        } catch (Exception e) {
            return null;
        }
    }
}
