package org.mlensemble.learner.system;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the learner lays out its queues on the broker.
 *
 * @param prefix              prefix of every broker name, so several clusters and test runs can share a broker
 * @param queueType           {@code classic} or {@code quorum}: the type of the learner's job queue and of the
 *                            dead-letter queue. Quorum queues are replicated (Raft) over the nodes of a broker
 *                            cluster and survive the loss of a minority of them; a queue's type is fixed when it
 *                            is first declared, so a broker that already holds the queue as the other type must
 *                            have it deleted first
 * @param deliveryLimit       quorum queues only: a job delivered this many times without an acknowledgement (its
 *                            learner died on it each time) is dead-lettered instead of delivered again
 * @param deadLetterMaxLength the dead-letter queue keeps at most this many messages, dropping the oldest
 */
@Validated
@ConfigurationProperties("ml")
public record BrokerProperties(
        @DefaultValue("ml") @NotBlank String prefix,
        @DefaultValue("classic") @NotNull QueueType queueType,
        @DefaultValue("5") @Min(1) int deliveryLimit,
        @DefaultValue("10000") @Min(1) int deadLetterMaxLength) {

    /** The RabbitMQ queue types a learner's durable queues may have. */
    public enum QueueType {
        classic, quorum
    }
}
