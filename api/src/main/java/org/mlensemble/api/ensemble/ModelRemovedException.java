package org.mlensemble.api.ensemble;

import java.time.Instant;
import org.mlensemble.common.messaging.ModelRemoval;

/** The model asked for existed: it was deleted on request, or removed by a learner's retention. */
public class ModelRemovedException extends RuntimeException {

    private final ModelRemoval removal;

    public ModelRemovedException(ModelRemoval removal) {
        super("Model '" + removal.modelId() + "' " + why(removal) + ".");
        this.removal = removal;
    }

    public ModelRemoval removal() {
        return removal;
    }

    /** When it was removed, as ISO-8601. */
    public String removedAt() {
        return Instant.ofEpochMilli(removal.removedAt()).toString();
    }

    private static String why(ModelRemoval removal) {
        String when = Instant.ofEpochMilli(removal.removedAt()).toString();
        return switch (removal.cause()) {
            case ModelRemoval.DELETED -> "was deleted at " + when + " (DELETE /v1/ml-distributed/models/"
                    + removal.modelId() + ")";
            case ModelRemoval.RETENTION_AGE -> "was removed by retention at " + when + ": it was older than the"
                    + " learners keep (ml.learner.retention-max-age); pin a model to keep it";
            default -> "was removed by retention at " + when + ": the learners keep the newest"
                    + " ml.learner.retention models; pin a model to keep it";
        };
    }
}
