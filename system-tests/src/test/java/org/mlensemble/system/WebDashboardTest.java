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
 * loads the page from the api, runs its script, and the rendered DOM lists the four learners and
 * draws the predicted-versus-actual plot of the latest model.
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

        String dom = render(cluster.apiUrl("/dashboard"));

        assertThat(count(dom, "<tr data-learner=\"learner-\\d\" data-alive=\"true\"")).isEqualTo(4);
        assertThat(count(dom, "<circle [^>]*class=\"point\"")).isGreaterThan(50);
        assertThat(dom).contains("4 of 4 learners alive");
        assertThat(count(dom, "<tr data-member=\"learner-\\d\"")).isEqualTo(4);
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
