package org.mlensemble.api.ensemble;

import java.util.List;
import java.util.Map;
import org.mlensemble.common.gather.GatherResult;

/**
 * How complete the ensemble was for one answer. The members of a model are its shards; several
 * learners may hold replicas of one shard, and one of them serves it.
 *
 * @param used     shards whose replies made the answer (for a fit: shards with a trained replica)
 * @param expected shards the ensemble has, alive or not
 * @param missing  shards no live replica answered for
 * @param servedBy shard to the learner whose reply served it (for a fit: its first trained replica)
 */
public record Members(int used, int expected, List<String> missing, Map<String, String> servedBy) {

    public Members(int used, int expected, List<String> missing) {
        this(used, expected, missing, Map.of());
    }

    static Members of(GatherResult r) {
        return new Members(r.used(), r.expected(), r.missing(), r.servedBy());
    }
}
