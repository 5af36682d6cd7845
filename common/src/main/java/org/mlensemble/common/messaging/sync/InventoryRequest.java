package org.mlensemble.common.messaging.sync;

/**
 * Asks every learner of {@code shard} what it holds. Sent by a learner that joins late, or comes
 * back with an empty disk, before it announces itself.
 *
 * @param learnerId the asking learner; it does not answer itself
 */
public record InventoryRequest(String learnerId, String shard) {
}
