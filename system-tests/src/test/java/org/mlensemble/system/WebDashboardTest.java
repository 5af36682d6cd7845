package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as a person sees it: headless Chromium (Debian's package, which .ci/run installs)
 * loads the page from the api, runs its script, and is driven over the DevTools protocol the way a
 * person uses it: it clicks a model's "evaluate", pastes CSV rows into the predict form and sends
 * them, and watches a fit's progress bars and the traffic charts fill. Screenshots of each state are
 * kept under {@code target/dashboard-screenshots/} (1-overview, 2-evaluation, 3-traffic-and-broker,
 * 4-predict-csv, 5-fit-progress).
 */
class WebDashboardTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration PAGE = Duration.ofSeconds(30);

    @Test
    void aPersonEvaluatesPredictsFromCsvAndWatchesTrafficBrokerAndFitProgress() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (apt-get install chromium)");
        Cluster cluster = Cluster.get();
        EnsembleTest.startCluster();
        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), "{\"seed\": 11}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        EnsembleTest.awaitModelHeldBy(fit.body().get("modelId").asString(), 4);

        String model = fit.body().get("modelId").asString();
        Http.Response pin = Http.put(cluster.apiUrl("/v1/ml-distributed/models/" + model + "/pin"));
        assertThat(pin.status()).as(pin.toString()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(
                cluster.apiUrl("/v1/ml-distributed/models/" + model)).body().get("pinned").asBoolean());
        // some traffic for the charts: the api samples its meters every 5 s
        for (int i = 0; i < 20; i++) {
            Http.post(cluster.apiUrl("/v1/ml-distributed/predict?modelId=" + model), "{\"GrLivArea\": [1500]}");
        }

        String boosted = null;
        try (Chromium page = Chromium.start(CHROMIUM, 1280, 1500)) {
            page.open(cluster.apiUrl("/dashboard"));
            page.await("four live learners", "document.querySelectorAll('tr[data-learner][data-alive=\"true\"]')"
                    + ".length === 4 && document.querySelector('tr[data-model=\"" + model + "\"]')", PAGE);
            String dom = page.html();
            page.screenshot(SHOTS.resolve("1-overview.png"));

            assertThat(dom).contains("4 of 4 learners alive");
            assertThat(dom).containsPattern("<tr data-model=\"" + model + "\" data-pinned=\"true\"");
            assertThat(dom).contains("data-action=\"evaluate\" data-model=\"" + model + "\"",
                    "data-action=\"unpin\" data-model=\"" + model + "\"", "data-action=\"delete\" data-model=\""
                            + model + "\"");
            assertThat(count(dom, "<circle [^>]*class=\"point\"")).as("no evaluation before one is asked for").isZero();
            // the header's time is ISO-8601 UTC, not the browser's locale
            assertThat(page.eval("document.getElementById('updated').textContent").asString())
                    .matches("updated \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

            page.click("button[data-action=\"evaluate\"][data-model=\"" + model + "\"]");
            page.await("the evaluation plot", "document.querySelectorAll('#scatter circle.point').length > 50", PAGE);
            String evaluated = page.html();
            page.screenshot(SHOTS.resolve("2-evaluation.png"));
            assertThat(count(evaluated, "<text [^>]*class=\"tick\"")).as("values on both axes").isEqualTo(10);
            assertThat(count(evaluated, "<tr data-member=\"learner-\\d\"")).isEqualTo(4);
            assertThat(evaluated).contains(model + " on house_pricing");

            // traffic: requests/s and latency from the api's own samples, with values on the axes
            page.await("a traffic sample with requests", "document.querySelector('#chart-rate path.series') && "
                    + "document.querySelector('#chart-latency path.series')", Duration.ofSeconds(40));
            assertThat(page.eval("document.querySelectorAll('#chart-rate text.chart-tick').length").asInt())
                    .isEqualTo(10);
            assertThat(page.eval("[...document.querySelectorAll('#chart-rate text.chart-tick')].map(t => "
                    + "t.textContent).join(' ')").asString()).containsPattern("\\d\\d:\\d\\d:\\d\\dZ");
            // the broker: its queues when its management API answers the api, else a line that says why
            page.await("the broker's state", "document.getElementById('broker-summary').hasAttribute('data-broker')",
                    PAGE);
            String broker = page.eval("document.getElementById('broker-summary').getAttribute('data-broker')")
                    .asString();
            if (broker.equals("reachable")) {
                assertThat(page.eval("document.querySelectorAll('#queues tr[data-queue]').length").asInt())
                        .as("the learners' queues").isGreaterThanOrEqualTo(4);
            } else {
                assertThat(page.eval("document.getElementById('broker-summary').textContent").asString())
                        .contains("management API cannot be asked");
            }
            assertThat(page.html()).doesNotContain("spring.rabbitmq.password");
            page.screenshot(SHOTS.resolve("3-traffic-and-broker.png"));

            // predict from pasted CSV, with the model chosen in the form
            page.paste("#predict-csv", "GrLivArea,OverallQual,Neighborhood\n1710,7,CollgCr\n1262,6,Veenker\n");
            page.eval("document.getElementById('predict-model').value = '" + model + "'");
            page.click("#predict-form button[type=submit]");
            page.await("two predictions", "document.querySelectorAll('#predictions tr[data-prediction]').length === 2",
                    PAGE);
            assertThat(page.eval("document.getElementById('predict-result').textContent").asString())
                    .isEqualTo("2 predictions by model " + model);
            page.screenshot(SHOTS.resolve("4-predict-csv.png"));
            // a bad paste is the api's problem, shown as it says it
            page.paste("#predict-csv", "NoSuchColumn\n1\n");
            page.click("#predict-form button[type=submit]");
            page.await("the problem", "document.getElementById('predict-result').getAttribute('data-status') === '400'",
                    PAGE);

            // a long fit: its progress bars while the learners report on it
            Http.Response started = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"),
                    "{\"algorithm\": \"boosted\", \"params\": {\"trees\": 5000, \"maxDepth\": 16, \"learningRate\": 0.001}, "
                            + "\"seed\": 12, \"async\": true}");
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            boosted = started.body().get("modelId").asString();
            page.await("the fit's progress bars", "document.querySelector('#fit-progress table[data-fit=\"" + boosted
                    + "\"] tr[data-fit-learner] .progress')", Duration.ofSeconds(60));
            page.screenshot(SHOTS.resolve("5-fit-progress.png"));
            assertThat(page.eval("document.querySelectorAll('#fit-progress table[data-fit=\"" + boosted
                    + "\"] tr[data-fit-learner]').length").asInt()).isEqualTo(4);
        } finally {
            Http.delete(cluster.apiUrl("/v1/ml-distributed/models/" + model + "/pin"));
            if (boosted != null) {
                String id = boosted;
                org.awaitility.Awaitility.await("the long fit ends").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1)).until(() -> "done".equals(Http.get(
                                cluster.apiUrl("/v1/ml-distributed/fit/jobs/" + id)).body().path("state").asString()));
                Http.delete(cluster.apiUrl("/v1/ml-distributed/models/" + id)); // not the newest model of later tests
            }
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
