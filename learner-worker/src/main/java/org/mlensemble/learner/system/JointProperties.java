package org.mlensemble.learner.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Joint training ({@code "training": "joint"}): one XGBoost model over several shards, trained
 * by child processes of the learners.
 *
 * @param trackerHost the address this learner's tracker binds and gives the workers, when this
 *                    learner is rank 0: one every other learner reaches ({@code 127.0.0.1} when they
 *                    all run on one host, the container's name or address otherwise)
 * @param childJvmOptions options of the child JVMs (tracker and worker): the heap holds the shard's
 *                    float matrix while it is read; XGBoost's own memory is native
 * @param workDir     where task files and child logs go, deleted after each training; empty for
 *                    {@code ml-joint} in the system's temporary folder
 * @param peerTimeout longest a worker waits for its peers in one collective operation: a peer that
 *                    died fails the training within it
 */
@Validated
@ConfigurationProperties("ml.learner.joint")
public record JointProperties(
        @DefaultValue("127.0.0.1") @NotBlank String trackerHost,
        @DefaultValue({"-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"}) @NotNull List<String> childJvmOptions,
        @DefaultValue("") @NotNull String workDir,
        @DefaultValue("30s") @NotNull Duration peerTimeout) {

    public Path workPath() {
        return workDir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "ml-joint") : Path.of(workDir);
    }
}
