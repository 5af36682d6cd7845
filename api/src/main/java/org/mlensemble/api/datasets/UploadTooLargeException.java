package org.mlensemble.api.datasets;

/** An upload larger than the api accepts ({@code ml.api.datasets.max-upload-bytes}). */
public class UploadTooLargeException extends RuntimeException {

    public UploadTooLargeException(String detail) {
        super(detail);
    }
}
