package org.mlensemble.learner.system;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.mlensemble.common.messaging.Names;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tunables of one learner.
 *
 * @param id                 stable learner id; its queue is named after it, so it must survive restarts
 * @param shard              the shard letter it trains on: {@code <data-dir>/<dataset>/<shard>/data.csv}
 * @param dataDir            folder holding the datasets
 * @param modelDir           folder for persisted members; each learner keeps a sub-folder named after its id
 * @param retention          model versions kept (pinned ones not counted); older ones are deleted
 * @param heartbeatInterval  how often presence is published
 * @param queueExpiry        the learner's queue is deleted after it has been unused this long
 * @param consumers          concurrent job consumers; a fit holds one while it trains
 * @param replyDelay         fault injection: delay before answering predict and evaluate (0 = off)
 * @param datasetReadTimeout longest a store job reads one part's stream before it gives up
 * @param retentionMaxAge    versions trained longer ago are deleted unless pinned (0 = no age limit)
 * @param removalsKept       removals remembered (and listed in heartbeats) so that a 404 can say when and why
 */
@Validated
@ConfigurationProperties("ml.learner")
public record LearnerProperties(
        @NotBlank @Pattern(regexp = Names.SAFE_NAME) String id,
        @NotBlank @Pattern(regexp = "[A-Za-z0-9]{1,16}") String shard,
        @DefaultValue("data") @NotNull Path dataDir,
        @DefaultValue("models") @NotNull Path modelDir,
        @DefaultValue("50") @Min(1) int retention,
        @DefaultValue("1s") @NotNull Duration heartbeatInterval,
        @DefaultValue("1h") @NotNull Duration queueExpiry,
        @DefaultValue("4") @Min(2) int consumers,
        @DefaultValue("0s") @NotNull Duration replyDelay,
        @DefaultValue("10m") @NotNull Duration datasetReadTimeout,
        @DefaultValue("0s") @NotNull Duration retentionMaxAge,
        @DefaultValue("50") @Min(0) int removalsKept) {

    public Path memberDir() {
        return modelDir.resolve(id);
    }
}
