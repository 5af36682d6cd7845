package org.mlensemble.common.messaging;

/** How a learner answered a job. */
public enum ReplyStatus {
    /** The job was done; the reply carries its result. */
    OK,
    /** The learner does not hold the requested model; it is not part of this gather. */
    NO_MODEL,
    /** The request itself is wrong (unknown column, bad target...); retrying elsewhere will not help. */
    BAD_REQUEST,
    /** The learner tried and failed (disk, data file missing...). */
    FAILED
}
