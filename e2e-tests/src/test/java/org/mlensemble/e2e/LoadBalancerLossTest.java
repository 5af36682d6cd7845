package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4: the main load balancer is stopped. There is no floating address: a client that
 * knows both load balancers (as {@code mlctl --url A --url B} does) moves to the backup by itself.
 */
@Order(6)
class LoadBalancerLossTest extends ClusterTest {

    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(2);
    private static final int REQUESTS = 200;

    private boolean mainStopped;

    @Test
    @Order(1)
    void theBackupLoadBalancerServesPredictWhenTheMainIsStopped() {
        String model = cluster.baselineModel();
        Rows rows = Rows.testRows(cluster.repo, 20);
        long t0 = System.nanoTime();
        cluster.stop("lb-main");
        mainStopped = true;
        long stopMs = (System.nanoTime() - t0) / 1_000_000;

        Http.Reply toMain = Api.predict(cluster.lbMain(), model, rows.one(0), PREDICT_DEADLINE);
        assertThat(toMain.status()).as("the main load balancer is gone: %s", toMain).isEqualTo(-1);
        assertThat(toMain.error()).contains("ConnectException");

        // a client that knows both addresses: main first, the backup when main refuses the connection
        List<LoadGenerator.Sample> samples = new ArrayList<>();
        long failovers = 0;
        for (int i = 0; i < REQUESTS; i++) {
            Http.Reply r = Api.predict(cluster.lbMain(), model, rows.one(i % rows.size()), PREDICT_DEADLINE);
            if (r.status() < 0 && !r.timedOut()) {
                failovers++;
                Http.Reply backup = Api.predict(cluster.lbBackup(), model, rows.one(i % rows.size()), PREDICT_DEADLINE);
                r = new Http.Reply(backup.status(), backup.body(), backup.json(), r.latencyMs() + backup.latencyMs(),
                        backup.error(), backup.timedOut(), backup.headers());
                assertThat(backup.header("X-ML-LB")).isEqualTo("lb-backup");
            }
            samples.add(new LoadGenerator.Sample(i, null, 0, r));
        }
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(samples);
        Figures.of("4-main-lb-loss", getClass(), stats, null, Map.of("failedOverToBackup", failovers,
                "stopLbMainMs", stopMs)).report(cluster.reliabilityDir());
        assertThat(failovers).isEqualTo(REQUESTS);
        assertThat(stats.ok()).isEqualTo(REQUESTS);
        assertThat(stats.maxLatencyMs()).isLessThanOrEqualTo(PREDICT_DEADLINE.plus(Api.SLACK).toMillis());
    }

    @Test
    @Order(2)
    void mlctlFailsOverToTheBackupLoadBalancer() {
        assumeTrue(mainStopped, "lb-main is stopped");
        assumeTrue(Files.isRegularFile(cluster.mlctlJar()), "cli/target/mlctl.jar is built");
        Shell.Result help = Shell.run(Duration.ofSeconds(30), Map.of(), cluster.repo,
                List.of("java", "-jar", cluster.mlctlJar().toString(), "--help"));
        assumeTrue(help.ok(), "mlctl is implemented (its --help answers: " + help.output() + ")");
        // --strict: exit 5 unless every member answered
        Shell.Result predict = Shell.run(Duration.ofSeconds(30), Map.of(), cluster.repo, List.of("java", "-jar",
                cluster.mlctlJar().toString(), "--url", cluster.lbMain(), "--url", cluster.lbBackup(), "--json",
                "predict", "--model-id", cluster.baselineModel(), "--strict", "--file",
                cluster.repo.resolve("data/house_pricing/other/one_prediction_house_pricing_test.json").toString()));
        E2eCluster.log("mlctl predict with lb-main down: exit %d in %d ms\n%s", predict.exitCode(), predict.millis(),
                predict.output());
        assertThat(predict.exitCode()).as(predict.output()).isZero();
        assertThat(predict.output()).contains("\"Prediction\"").contains("\"used\":4");
        LoadGenerator.Stats one = new LoadGenerator.Stats(1, predict.ok() ? 1 : 0, 0, predict.ok() ? 0 : 1, 0,
                predict.millis(), Map.of("exit " + predict.exitCode(), 1L));
        Figures.of("4c-mlctl-failover", getClass(), one, null,
                Map.of("exitCode", predict.exitCode(), "wallMs", predict.millis())).report(cluster.reliabilityDir());
    }

    @Test
    @Order(3)
    void theMainLoadBalancerComesBack() {
        assumeTrue(mainStopped, "lb-main is stopped");
        long t0 = System.nanoTime();
        cluster.start("lb-main");
        Http.Reply r = Api.predict(cluster.lbMain(), cluster.baselineModel(), Rows.testRows(cluster.repo, 1).one(0),
                PREDICT_DEADLINE);
        long backMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("X-ML-LB")).isEqualTo("lb-main");
        Figures.of("4b-main-lb-returns", getClass(), LoadGenerator.Stats.of(List.of(new LoadGenerator.Sample(0, null, 0,
                r))), backMs, Map.of()).report(cluster.reliabilityDir());
    }
}
