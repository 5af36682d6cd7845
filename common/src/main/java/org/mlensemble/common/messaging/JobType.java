package org.mlensemble.common.messaging;

import java.util.Arrays;
import java.util.Optional;

/**
 * The jobs a learner understands: the three of the ensemble, and storing or deleting an uploaded
 * dataset ({@link StoreDatasetJob}, {@link DeleteDatasetJob}), and deleting or pinning a model version
 * ({@link DeleteModelJob}, {@link PinModelJob}), and the first phase of a joint fit
 * ({@link PrepareJointJob}).
 */
public enum JobType {
    FIT, PREDICT, EVALUATE, STORE_DATASET, DELETE_DATASET, DELETE_MODEL, PIN_MODEL, PREPARE_JOINT;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<JobType> fromWire(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.toString();
        return Arrays.stream(values()).filter(t -> t.wireName().equals(text)).findFirst();
    }
}
