package org.mlensemble.common.messaging;

import java.util.Arrays;
import java.util.Optional;

/** The three jobs a learner understands. */
public enum JobType {
    FIT, PREDICT, EVALUATE;

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
