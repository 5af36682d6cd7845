package org.mlensemble.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.mlensemble.api.datasets.Datasets;
import org.mlensemble.api.datasets.DatasetView;
import org.mlensemble.api.datasets.DeleteOutcome;
import org.mlensemble.api.datasets.UploadCommand;
import org.mlensemble.api.datasets.UploadOutcome;

/** Datasets for HTTP slice tests: an upload is read to its end and counted, nothing is stored. */
public class FakeDatasets implements Datasets {

    public volatile UploadCommand lastUpload;
    public volatile long lastUploadBytes;

    @Override
    public CompletableFuture<UploadOutcome> upload(UploadCommand command) {
        lastUpload = command;
        try {
            lastUploadBytes = command.body().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return CompletableFuture.completedFuture(new UploadOutcome(command.name(), "u1", command.target(), 0, 0,
                command.testFraction(), command.seed(), List.of(), null, lastUploadBytes, 0, null));
    }

    @Override
    public CompletableFuture<DeleteOutcome> delete(String name) {
        return CompletableFuture.completedFuture(new DeleteOutcome(name, List.of(), List.of(), 0));
    }

    @Override
    public List<DatasetView> all() {
        return List.of();
    }

    @Override
    public Optional<DatasetView> find(String name) {
        return Optional.empty();
    }
}
