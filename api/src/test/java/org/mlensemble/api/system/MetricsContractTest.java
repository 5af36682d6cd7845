package org.mlensemble.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.ApiApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * What Prometheus scrapes from a fresh api, before any request: every documented metric, at 0,
 * with its help text, and the latency metrics as histograms with fixed buckets.
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api", "ml.prefix=ml-openapi-test", "ml.api.instance-name=api-contract-test"})
class MetricsContractTest {

    /** The metrics the README lists for the api, as Prometheus names them. */
    static final List<String> DOCUMENTED = List.of("ml_api_requests_seconds", "ml_api_gather_seconds",
            "ml_api_members_used", "ml_api_members_expected", "ml_api_replies_late_total",
            "ml_api_replies_malformed_total", "ml_api_replies_hedged_total", "ml_api_replies_duplicate_total",
            "ml_api_replies_unexpected_total", "ml_api_replies_forged_total", "ml_api_gathers_in_flight",
            "ml_api_datasets_uploads_total", "ml_api_datasets_rows_total", "ml_api_datasets_deletes_total",
            "ml_api_predict_batch_requests", "ml_api_predict_batch_rows", "ml_api_predict_batch_splits_total",
            "ml_api_heartbeats_malformed_total", "ml_api_heartbeats_stale_total", "ml_api_heartbeats_forged_total",
            "ml_api_learners_live", "ml_api_broker_unavailable_total", "ml_api_client_disconnects_total",
            "ml_api_models_changes_total");

    /** Actuator answers on the management port, never on the public one. */
    @LocalManagementPort
    int port;

    /** The public port, where the API's requests go. */
    @org.springframework.boot.test.web.server.LocalServerPort
    int serverPort;

    @Test
    void everyDocumentedMetricIsThereFromStartUpWithHelpText() throws Exception {
        String text = scrape();
        for (String name : DOCUMENTED) {
            Matcher help = Pattern.compile("(?m)^# HELP " + name + " (.*)$").matcher(text);
            assertThat(help.find()).as(name + " has a HELP line").isTrue();
            assertThat(help.group(1)).as(name + " help text").isNotBlank();
            assertThat(text).as(name + " has a series").containsPattern("(?m)^" + name + "(_count|_bucket)?(\\{| )");
        }
        assertThat(text).containsPattern("(?m)^ml_api_broker_unavailable_total(\\{[^}]*})? 0\\.0$");
        Matcher blank = Pattern.compile("(?m)^# HELP (ml_\\S+) ?$").matcher(text);
        assertThat(blank.find()).as("a metric without help text: " + (blank.find(0) ? blank.group(1) : "")).isFalse();
    }

    @Test
    void requestAndGatherLatencyAreHistogramsWithFixedBuckets() throws Exception {
        String text = scrape();
        for (String name : List.of("ml_api_requests_seconds", "ml_api_gather_seconds")) {
            assertThat(text).contains("# TYPE " + name + " histogram");
            assertThat(text).containsPattern(name + "_bucket\\{[^}]*le=\"0\\.005\"");
            assertThat(text).containsPattern(name + "_bucket\\{[^}]*le=\"120\\.0\"");
            assertThat(text).containsPattern(name + "_bucket\\{[^}]*le=\"\\+Inf\"");
        }
    }

    @Test
    void requestsAreTimedPerEndpointAndStatusUnderTheDocumentedNameOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/v1/ml-distributed/learners", "/v1/ml-distributed/models/m-nope")) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
        }
        String text = scrape();

        assertThat(text).containsPattern("(?m)^ml_api_requests_seconds_count\\{endpoint=\"learners\",status=\"200\"} 1")
                .containsPattern("(?m)^ml_api_requests_seconds_count\\{endpoint=\"model\",status=\"404\"} 1");
        assertThat(text).as("the status says what the observation's error tag would")
                .doesNotContainPattern("(?m)^ml_api_requests_seconds\\S*\\{[^}]*error=");
        assertThat(text).as("one timer per request: Spring's default name is not exported beside it")
                .doesNotContain("http_server_requests");
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        // kept as test output: the metric list of a fresh api
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "prometheus-at-start.txt"), r.body());
        return r.body();
    }
}
