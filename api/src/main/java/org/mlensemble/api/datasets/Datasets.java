package org.mlensemble.api.datasets;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the dataset endpoints need: uploads and deletes over the broker, the listing from presence. */
public interface Datasets {

    CompletableFuture<UploadOutcome> upload(UploadCommand command);

    CompletableFuture<DeleteOutcome> delete(String name);

    List<DatasetView> all();

    Optional<DatasetView> find(String name);
}
