package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as a person sees it: headless Chromium (Debian's package, which .ci/run installs)
 * loads the page from the api and runs its script. The rendered DOM lists the four learners and the
 * models with their actions; no evaluation runs until one is asked for, and then the plot of that
 * model is drawn with values on its axes. Screenshots of each state are kept under
 * {@code target/dashboard-screenshots/}.
 */
class WebDashboardTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void dashboardListsTheLearnersAndDrawsTheEvaluationPlot() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (apt-get install chromium)");
        Cluster cluster = Cluster.get();
        EnsembleTest.startCluster();
        Http.Response fit = Http.post(cluster.apiUrl("/v1/ml-distributed/fit"), "{\"seed\": 11}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        EnsembleTest.awaitModelHeldBy(fit.body().get("modelId").asString(), 4);

        String model = fit.body().get("modelId").asString();
        Http.Response pin = Http.put(cluster.apiUrl("/v1/ml-distributed/models/" + model + "/pin"));
        assertThat(pin.status()).as(pin.toString()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> Http.get(
                cluster.apiUrl("/v1/ml-distributed/models/" + model)).body().get("pinned").asBoolean());

        String dom = render(cluster.apiUrl("/dashboard"));
        screenshot(cluster.apiUrl("/dashboard"), "1-overview.png");

        assertThat(count(dom, "<tr data-learner=\"learner-\\d\" data-alive=\"true\"")).isEqualTo(4);
        assertThat(dom).contains("4 of 4 learners alive");
        assertThat(dom).containsPattern("<tr data-model=\"" + model + "\" data-pinned=\"true\"");
        assertThat(dom).contains("data-action=\"evaluate\" data-model=\"" + model + "\"",
                "data-action=\"unpin\" data-model=\"" + model + "\"", "data-action=\"delete\" data-model=\"" + model
                        + "\"");
        assertThat(count(dom, "<circle [^>]*class=\"point\"")).as("no evaluation before one is asked for").isZero();

        String url = cluster.apiUrl("/dashboard#evaluate=" + model);
        String evaluated = render(url);
        screenshot(url, "2-evaluation.png");

        assertThat(count(evaluated, "<circle [^>]*class=\"point\"")).isGreaterThan(50);
        assertThat(count(evaluated, "<text [^>]*class=\"tick\"")).as("values on both axes").isEqualTo(10);
        assertThat(count(evaluated, "<tr data-member=\"learner-\\d\"")).isEqualTo(4);
        assertThat(evaluated).contains(model + " on house_pricing");
        Http.delete(cluster.apiUrl("/v1/ml-distributed/models/" + model + "/pin"));
    }

    /** A PNG of the page after its script ran, kept as test output. */
    private static void screenshot(String url, String name) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of("target", "dashboard-screenshots"));
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=1280,1500",
                "--virtual-time-budget=10000", "--screenshot=" + dir.resolve(name).toAbsolutePath(), url);
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(dir.resolve(name)).as("screenshot " + name).isNotEmptyFile();
    }

    private static String render(String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path out = Files.createTempFile("dashboard", ".html");
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", url);
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return Files.readString(out, StandardCharsets.UTF_8);
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
