package org.mlensemble.api.datasets;

/** This api instance is uploading a dataset of the same name already. */
public class UploadInProgressException extends RuntimeException {

    public UploadInProgressException(String name) {
        super("dataset '" + name + "' is being uploaded through this instance already");
    }
}
