package org.mlensemble.api.membership;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.mlensemble.common.messaging.ColumnSet;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.ModelRemoval;

/**
 * This api instance's view of the cluster, rebuilt from learner heartbeats alone. Any instance
 * that hears the same heartbeats answers the same, so the api stays stateless.
 */
public final class Membership {

    private record Seen(Heartbeat heartbeat, long receivedAt) {
    }

    private final Map<String, Seen> learners = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration liveness;
    private final Duration forgetAfter;
    private volatile long firstHeardAt = -1;
    /** Bumped by every heartbeat applied: the model view below is rebuilt after one. */
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private volatile ModelsView modelsView;

    private record ModelsView(long version, long builtAt, List<ModelView> models) {
    }

    /**
     * How long the model view is reused while no heartbeat arrives. A predict without a model id
     * reads it on every request; liveness, the only thing that changes without a heartbeat, moves
     * in seconds.
     */
    private static final long MODELS_VIEW_MS = 100;

    public Membership(Clock clock, Duration liveness, Duration forgetAfter) {
        this.clock = clock;
        this.liveness = liveness;
        this.forgetAfter = forgetAfter;
    }

    /** How long a learner stays live without a heartbeat: how long presence takes to notice a death. */
    public Duration liveness() {
        return liveness;
    }

    /**
     * Applies a heartbeat unless it is older than the one held for its learner. A learner publishes
     * from two threads (the schedule, and right after a fit), so two heartbeats can arrive out of
     * order; within one process start ({@code instanceId}) the newest {@code sentAt} wins, and a new
     * instance always replaces the old one (its clock may have gone back).
     *
     * @return false when the heartbeat was older and dropped
     */
    public boolean onHeartbeat(Heartbeat hb) {
        long now = clock.millis();
        if (firstHeardAt < 0) {
            firstHeardAt = now;
        }
        boolean[] applied = {true};
        learners.compute(hb.learnerId(), (id, held) -> {
            if (held != null && Objects.equals(held.heartbeat().instanceId(), hb.instanceId())
                    && held.heartbeat().sentAt() > hb.sentAt()) {
                applied[0] = false;
                return held;
            }
            return new Seen(hb, now);
        });
        if (applied[0]) {
            version.incrementAndGet();
        }
        return applied[0];
    }

    /** True once any heartbeat arrived: before that, "no learners" means "not listening yet". */
    public boolean heardAny() {
        return firstHeardAt >= 0;
    }

    /** Every learner heard from within {@code forgetAfter}, alive or not, by id. */
    public List<LearnerView> learners() {
        long now = clock.millis();
        learners.values().removeIf(s -> now - s.receivedAt() > forgetAfter.toMillis());
        return learners.values().stream()
                .map(s -> new LearnerView(s.heartbeat(), s.receivedAt(), alive(s, now)))
                .sorted(Comparator.comparing(LearnerView::learnerId))
                .toList();
    }

    public Set<String> live() {
        Set<String> out = new LinkedHashSet<>();
        learners().stream().filter(LearnerView::alive).forEach(l -> out.add(l.learnerId()));
        return out;
    }

    public Set<String> known() {
        Set<String> out = new LinkedHashSet<>();
        learners().forEach(l -> out.add(l.learnerId()));
        return out;
    }

    /** Learner id to its shard, for every known learner, alive or not. */
    public Map<String, String> shards() {
        Map<String, String> out = new LinkedHashMap<>();
        learners().forEach(l -> out.put(l.learnerId(), l.shard() == null ? l.learnerId() : l.shard()));
        return out;
    }

    /** Every model version held by a known learner, newest first. */
    public List<ModelView> models() {
        long now = clock.millis();
        long v = version.get();
        ModelsView cached = modelsView;
        if (cached != null && cached.version() == v && now - cached.builtAt() >= 0
                && now - cached.builtAt() < MODELS_VIEW_MS) {
            return cached.models();
        }
        List<ModelView> built = buildModels();
        modelsView = new ModelsView(v, now, built);
        return built;
    }

    private List<ModelView> buildModels() {
        Map<String, List<MemberInfo>> byModel = new LinkedHashMap<>();
        Map<String, Set<String>> liveHolders = new LinkedHashMap<>();
        Set<String> pinned = new HashSet<>();
        Map<String, Set<String>> columns = new HashMap<>();
        for (LearnerView l : learners()) {
            for (MemberInfo m : l.held()) {
                byModel.computeIfAbsent(m.modelId(), k -> new ArrayList<>()).add(m);
                if (l.alive()) {
                    liveHolders.computeIfAbsent(m.modelId(), k -> new LinkedHashSet<>()).add(l.learnerId());
                }
            }
            pinned.addAll(l.pinned());
            for (ColumnSet set : l.columnSets()) {
                set.modelIds().forEach(id -> columns.computeIfAbsent(id, k -> new TreeSet<>()).addAll(set.columns()));
            }
        }
        List<ModelView> out = new ArrayList<>();
        byModel.forEach((id, members) -> out.add(ModelView.of(id, members,
                liveHolders.getOrDefault(id, Set.of()), pinned.contains(id),
                columns.containsKey(id) ? List.copyOf(columns.get(id)) : null)));
        out.sort(Comparator.comparingLong(ModelView::createdAt).reversed().thenComparing(ModelView::modelId));
        return List.copyOf(out);
    }

    public Optional<ModelView> model(String modelId) {
        return models().stream().filter(m -> m.modelId().equals(modelId)).findFirst();
    }

    /**
     * Why no known learner holds {@code modelId} any more, when one of them remembers removing it:
     * the latest removal among the known learners. Empty while any known learner still holds it.
     */
    public Optional<ModelRemoval> removal(String modelId) {
        List<LearnerView> all = learners();
        if (all.stream().anyMatch(l -> l.held().stream().anyMatch(m -> m.modelId().equals(modelId)))) {
            return Optional.empty();
        }
        return all.stream().flatMap(l -> l.removed().stream()).filter(r -> r.modelId().equals(modelId))
                .max(Comparator.comparingLong(ModelRemoval::removedAt));
    }

    /** The id of a model held or in training whose id ends with {@code suffix}, if any. */
    public Optional<String> findByIdSuffix(String suffix) {
        return learners().stream()
                .flatMap(l -> java.util.stream.Stream.concat(l.held().stream().map(MemberInfo::modelId),
                        l.training().stream().map(t -> t.modelId())))
                .filter(id -> id.endsWith(suffix)).findFirst();
    }

    /** The newest model version that some live learner holds, else the newest known at all. */
    public Optional<ModelView> latest() {
        List<ModelView> all = models();
        return all.stream().filter(m -> !m.liveHolders().isEmpty()).findFirst().or(() -> all.stream().findFirst());
    }

    private boolean alive(Seen s, long now) {
        return !s.heartbeat().leaving() && now - s.receivedAt() <= liveness.toMillis();
    }
}
