package org.mlensemble.common.messaging.sync;

import java.util.List;

/**
 * The part of a dataset a learner holds for one shard: the shard's files ({@code <shard>/...}) and
 * the labelled test set ({@code test/...}), paths relative to the dataset's folder.
 */
public record HeldDataset(String dataset, List<SyncFile> files) {

    public HeldDataset {
        files = files == null ? List.of() : List.copyOf(files);
    }
}
