package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.datagen.HousePricingGenerator;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JobReply;

/**
 * A shard too big for the heap fails its fit with a reason and leaves the learner serving. Runs a
 * real out-of-memory in a child JVM with a 40 MB heap, so this JVM is never at risk.
 */
class OutOfMemoryFitTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path modelDir;

    @Test
    void aShardTooBigForTheHeapFailsItsFitAndTheLearnerGoesOn() throws Exception {
        HousePricingGenerator.generate(dataDir.resolve("big"), 1, 120_000, 10);
        HousePricingGenerator.generate(dataDir.resolve("small"), 1, 400, 10);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx40m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                dataDir.toString(), modelDir.toString())
                .redirectErrorStream(true).start();
        boolean ended = child.waitFor(120, TimeUnit.SECONDS);
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            child.destroyForcibly();
        }
        assertThat(ended).as(out).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("big: FAILED out of memory: shard A of 'big' does not fit in this learner's")
                .contains("LEARNER_JAVA_OPTS=-Xmx")
                .contains("small: OK");
    }

    /** The child: one fit that cannot fit in memory, then one that can. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            Clock clock = Clock.systemUTC();
            Learner learner = new Learner(new Learner.Settings("learner-a", "A", Path.of(args[0]), 3),
                    new MemberStore(Path.of(args[1])), new MemberTrainer(clock), clock);
            for (String dataset : List.of("big", "small")) {
                JobReply r = learner.fit(new FitJob("m-" + dataset, 1_000, dataset, HousePricingGenerator.TARGET,
                        "linear", Map.of(), 7, "shard", false, false, Map.of(), List.of("Id")));
                System.out.println(dataset + ": " + r.status() + " " + r.reason());
            }
        }
    }
}
