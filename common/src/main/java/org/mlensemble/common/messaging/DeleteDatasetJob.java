package org.mlensemble.common.messaging;

/** Remove the folder of {@code dataset} from the learner's data directory. */
public record DeleteDatasetJob(String dataset) {
}
