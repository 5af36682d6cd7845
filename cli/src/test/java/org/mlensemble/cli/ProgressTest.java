package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final String HALF = "{\"state\":\"running\",\"trained\":1,\"percent\":50,\"members\":{\"list\":["
            + "{\"learnerId\":\"learner-1\",\"shard\":\"A\",\"alive\":true,\"phase\":\"trained\"},"
            + "{\"learnerId\":\"learner-2\",\"shard\":\"B\",\"alive\":true,\"phase\":\"training\"}]}}";
    private static final String DONE = "{\"state\":\"done\",\"trained\":2,\"percent\":100,\"members\":{\"list\":["
            + "{\"learnerId\":\"learner-1\",\"shard\":\"A\",\"alive\":true,\"phase\":\"trained\"},"
            + "{\"learnerId\":\"learner-2\",\"shard\":\"B\",\"alive\":true,\"phase\":\"trained\"}]}}";

    private static String run(boolean terminal, String... statuses) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, "m-1");
        for (String s : statuses) {
            p.update(Json.parse(s, "status"));
        }
        p.finish();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlace() {
        String out = run(true, HALF, HALF, DONE);

        assertThat(out).startsWith("mlctl: fit m-1\n")
                .contains("\r[############------------]  50%  running  1/2 trained  (1 trained, 1 training)")
                .contains("\r[########################] 100%  done  2/2 trained  (2 trained)")
                .endsWith("\n");
        assertThat(out.split("\r")).allSatisfy(l -> assertThat(l.strip().length()).isLessThanOrEqualTo(79));
    }

    @Test
    void elsewhereALinePerChangeAndNoneForRepeats() {
        String out = run(false, HALF, HALF, DONE);

        assertThat(out).doesNotContain("\r").isEqualTo("""
                mlctl: fit m-1 running (1 trained, 0 failed)
                mlctl:   learner-1 (shard A): trained
                mlctl:   learner-2 (shard B): training
                mlctl:   learner-2 (shard B): trained
                mlctl: fit m-1 done (2 trained, 0 failed)
                """);
    }
}
