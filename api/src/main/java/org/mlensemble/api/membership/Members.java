package org.mlensemble.api.membership;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.gather.GatherResult;

/**
 * The members of a model, in the one shape every answer uses (predict, evaluate, fit, the model
 * listing, one model, a fit job). The members of a model are its shards; several learners may hold
 * replicas of one shard, and one of them serves it.
 *
 * @param used     shards that count: that served the answer (predict, evaluate), that have a trained
 *                 replica (fit, fit job), that have a live holder (model listing, one model)
 * @param expected shards the model has, alive or not
 * @param missing  the expected shards that are not used, sorted
 * @param servedBy shard to the learner whose reply served it (for a fit and a fit job: its first
 *                 trained replica); empty for a model listing, which serves nothing
 * @param list     per-member detail where an answer has it: every holder's provenance (one model),
 *                 every learner's progress (a fit job); absent elsewhere
 */
public record Members(int used, int expected, List<String> missing, Map<String, String> servedBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<?> list) {

    public Members(int used, int expected, List<String> missing, Map<String, String> servedBy) {
        this(used, expected, missing, servedBy, null);
    }

    public Members(int used, int expected, List<String> missing) {
        this(used, expected, missing, Map.of(), null);
    }

    public static Members of(GatherResult r) {
        return new Members(r.used(), r.expected(), r.missing(), r.servedBy());
    }

    /** The shards of {@code all} not in {@code used}, sorted. */
    static List<String> missing(java.util.Collection<String> all, java.util.Collection<String> used) {
        List<String> out = new ArrayList<>(new java.util.TreeSet<>(all));
        out.removeAll(used);
        return List.copyOf(out);
    }

    /** Shards and shard-to-learner maps, with the detail list attached. */
    public static Members of(java.util.Collection<String> all, Map<String, String> usedBy, List<?> list) {
        return new Members(usedBy.size(), new java.util.TreeSet<>(all).size(), missing(all, usedBy.keySet()),
                Map.copyOf(usedBy), list);
    }
}
