package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The web edge as deployed: paths whose raw and decoded forms differ ({@code ;params}, %-escapes)
 * are refused by the load balancers themselves and by the api instances behind them, so no check
 * on one form can be passed with the other. Raw request lines: no client normalises the path.
 */
class WebEdgeTest extends ClusterTest {

    private static final String[] ODD_PATHS = {
        "/v1;x/ml-distributed/predict", "/%761/ml-distributed/learners", "/v1/x/../ml-distributed/learners"};

    /** The whole answer to one raw GET. */
    private static String answer(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theLoadBalancersRefuseOddPathsThemselves() throws IOException {
        for (int port : new int[] {E2eCluster.LB_MAIN_PORT, E2eCluster.LB_BACKUP_PORT}) {
            for (String path : ODD_PATHS) {
                String answer = answer(port, path);
                assertThat(answer).as("%d %s", port, path).startsWith("HTTP/1.1 400 ")
                        .contains("\"error\":\"bad_request\"")
                        // answered by nginx: no api instance was asked
                        .doesNotContainPattern("(?i)\r\nX-ML-Upstream: *\\S");
            }
        }
    }

    @Test
    void theApiInstancesRefuseOddPathsToo() throws IOException {
        for (int i = 1; i <= 2; i++) {
            for (String path : ODD_PATHS) {
                String answer = answer(E2eCluster.API_PORT_BASE + i, path);
                assertThat(answer).as("api-%d %s", i, path).startsWith("HTTP/1.1 400 ")
                        .contains("application/problem+json");
            }
        }
    }

    @Test
    void plainPathsStillPassThroughTheLoadBalancer() throws IOException {
        assertThat(answer(E2eCluster.LB_MAIN_PORT, "/v1/ml-distributed/learners")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void theLoadBalancersServeNoManagementEndpointButTheHealthProbeWhileTheInstancesServeMetrics()
            throws IOException {
        for (int port : new int[] {E2eCluster.LB_MAIN_PORT, E2eCluster.LB_BACKUP_PORT}) {
            for (String path : new String[] {"/actuator", "/actuator/prometheus", "/actuator/metrics",
                "/actuator/health/readiness", "/actuator/env"}) {
                assertThat(answer(port, path)).as("lb :%d %s", port, path).startsWith("HTTP/1.1 404 ")
                        .contains("application/problem+json", "urn:ml-ensemble:problem:not-found");
            }
            assertThat(answer(port, "/actuator/health")).as("lb :%d health", port).startsWith("HTTP/1.1 200 ");
        }
        // metrics on the instance's management port; its public port (the one the load balancers
        // proxy to) has no actuator at all, but answers /readyz, which the balancers' health reads
        int management = E2eCluster.API_PORT_BASE + 1 + E2eCluster.MANAGEMENT_PORT_OFFSET;
        assertThat(answer(management, "/actuator/prometheus")).startsWith("HTTP/1.1 200 ")
                .contains("# HELP ml_api_requests_seconds ");
        assertThat(answer(E2eCluster.API_PORT_BASE + 1, "/actuator/prometheus")).startsWith("HTTP/1.1 40");
        assertThat(answer(E2eCluster.API_PORT_BASE + 1, "/readyz")).startsWith("HTTP/1.1 200 ");
    }
}
