package org.mlensemble.api.membership;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mlensemble.common.messaging.MemberInfo;

/**
 * One model version as presence shows it. Its members are its shards; several learners may hold
 * a replica of the same shard.
 *
 * @param held         every holder's member with its provenance; published as {@code members.list}
 * @param holders      every known learner holding a member, alive or not
 * @param liveHolders  those that are alive now
 * @param shards       every shard of the model (from all known holders, alive or not), sorted, with
 *                     the learners that hold it and those of them alive now
 * @param pinned       some holder keeps it whatever retention says
 * @param columns      the columns a predict may name (features, target, ignored), sorted; null when
 *                     the holders do not say
 */
public record ModelView(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
        long seed, long createdAt, List<String> holders, Set<String> liveHolders, @JsonIgnore List<MemberInfo> held,
        Map<String, ShardView> shards, boolean pinned, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> columns) {

    /**
     * One shard of a model.
     *
     * @param holders     learners holding a replica of it, alive or not
     * @param liveHolders those alive now
     */
    public record ShardView(List<String> holders, List<String> liveHolders) {
    }

    /** A view without replicas: each member's shard is read from its {@link MemberInfo}. */
    public ModelView(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
            long seed, long createdAt, List<String> holders, Set<String> liveHolders, List<MemberInfo> held) {
        this(modelId, dataset, target, algorithm, params, seed, createdAt, holders, liveHolders, held,
                shards(held, liveHolders), false, null);
    }

    static ModelView of(String modelId, List<MemberInfo> members, Set<String> liveHolders, boolean pinned,
            List<String> columns) {
        List<MemberInfo> sorted = members.stream().sorted(Comparator.comparing(MemberInfo::learnerId)).toList();
        MemberInfo first = sorted.get(0);
        long created = sorted.stream().mapToLong(MemberInfo::createdAt).min().orElse(first.createdAt());
        Set<String> live = Set.copyOf(liveHolders);
        return new ModelView(modelId, first.dataset(), first.target(), first.algorithm(), first.params(), first.seed(),
                created, sorted.stream().map(MemberInfo::learnerId).toList(), live, sorted, shards(sorted, live),
                pinned, columns);
    }

    /** True when a predict naming {@code requested} columns can be served: unknown columns count as fitting. */
    public boolean accepts(java.util.Collection<String> requested) {
        return columns == null || columns.containsAll(requested);
    }

    /** The members the ensemble expects: one per shard. */
    public int expected() {
        return shards.size();
    }

    /** Its members now: the shards with a live holder count as used; each holder's member in the list. */
    @JsonProperty("members")
    public Members members() {
        return summary(held);
    }

    /** As {@link #members()}, with or without the per-holder list. */
    public Members summary(List<?> list) {
        java.util.List<String> used = shards.entrySet().stream().filter(e -> !e.getValue().liveHolders().isEmpty())
                .map(Map.Entry::getKey).toList();
        return new Members(used.size(), shards.size(), Members.missing(shards.keySet(), used), Map.of(), list);
    }

    /** Learner id to the shard its member was trained on, for every holder. */
    public Map<String, String> shardOfHolders() {
        Map<String, String> out = new LinkedHashMap<>();
        held.forEach(m -> out.put(m.learnerId(), shardOf(m)));
        return out;
    }

    private static Map<String, ShardView> shards(List<MemberInfo> members, Set<String> liveHolders) {
        Map<String, List<String>> holders = new TreeMap<>();
        members.forEach(m -> holders.computeIfAbsent(shardOf(m), k -> new ArrayList<>()).add(m.learnerId()));
        Map<String, ShardView> out = new LinkedHashMap<>();
        holders.forEach((shard, learners) -> out.put(shard, new ShardView(List.copyOf(learners),
                learners.stream().filter(liveHolders::contains).toList())));
        return out;
    }

    /** A member without a shard (never written by a current learner) is a shard of its own. */
    private static String shardOf(MemberInfo m) {
        return m.shard() == null ? m.learnerId() : m.shard();
    }
}
