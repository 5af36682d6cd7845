package org.mlensemble.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scenario measured. Printed as one line starting with {@code E2E-RELIABILITY } followed
 * by JSON, and written to {@code target/reliability/<scenario>.json}; docs/reliability.md is made
 * from these.
 *
 * @param ok          200 answers with every expected member
 * @param degraded    200 answers with members missing
 * @param failed      every other outcome, expected ones included (a 503 while the broker is down)
 * @param hung        requests not answered within their deadline + 1 s (must be 0)
 * @param recoveryMs  from the repair (or the fault) to full service again; null when not applicable
 * @param details     scenario-specific figures
 */
record Figures(String scenario, String test, long sent, long ok, long degraded, long failed, long hung,
        long maxLatencyMs, Long recoveryMs, Map<String, Object> details, String reproduce) {

    static final String MARKER = "E2E-RELIABILITY ";

    static Figures of(String scenario, Class<?> testClass, LoadGenerator.Stats stats, Long recoveryMs,
            Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.putIfAbsent("byStatus", stats.byStatus());
        return new Figures(scenario, testClass.getSimpleName(), stats.sent(), stats.ok(), stats.degraded(),
                stats.failed(), stats.hung(), stats.maxLatencyMs(), recoveryMs, d, reproduce(testClass));
    }

    static String reproduce(Class<?> testClass) {
        return "./mvnw -B -pl e2e-tests -am verify -Dtest=" + testClass.getSimpleName()
                + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /** Prints the parseable line and writes the JSON file. */
    Figures report(Path dir) {
        String json = Json.write(this);
        System.out.println(MARKER + json);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(scenario + ".json"), Json.pretty(this) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
