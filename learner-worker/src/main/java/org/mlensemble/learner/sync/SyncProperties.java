package org.mlensemble.learner.sync;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tunables of the start-up sync from the replicas of this learner's shard.
 *
 * @param enabled          copy missing members and dataset files from peers before announcing
 * @param inventoryWindow  how long answers to the inventory request are collected; every live peer
 *                         answers in milliseconds, a peer that is slower is not waited for
 * @param chunkBytes       bytes asked for per fetch message, so that no message is huge
 * @param fetchTimeout     how long one chunk may take before the next peer is tried
 * @param announceTimeout  presence waits this long for the sync at most, then announces anyway
 */
@Validated
@ConfigurationProperties("ml.learner.sync")
public record SyncProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1500ms") @NotNull Duration inventoryWindow,
        @DefaultValue("1048576") @Min(1024) @Max(16 * 1024 * 1024) int chunkBytes,
        @DefaultValue("10s") @NotNull Duration fetchTimeout,
        @DefaultValue("10m") @NotNull Duration announceTimeout) {
}
