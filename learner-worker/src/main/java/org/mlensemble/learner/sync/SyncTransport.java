package org.mlensemble.learner.sync;

import java.util.List;
import org.mlensemble.common.messaging.sync.FetchRequest;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.InventoryRequest;

/** How a learner asks its peers, so that {@link ReplicaSync} needs no broker. */
interface SyncTransport {

    /** Sends the request to every learner of the shard and returns the answers of a short window. */
    List<Inventory> inventory(InventoryRequest request);

    /** One chunk of a file from one peer. */
    Chunk fetch(String peerId, FetchRequest request) throws SyncException;

    /** @param fileSize the size of the whole file, as the peer has it now */
    record Chunk(byte[] bytes, long fileSize) {
    }
}
