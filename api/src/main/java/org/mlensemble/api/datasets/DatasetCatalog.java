package org.mlensemble.api.datasets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.mlensemble.api.membership.LearnerView;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.messaging.DatasetInfo;

/** The datasets the learners hold, rebuilt from their heartbeats like every other view of the api. */
final class DatasetCatalog {

    private final Membership membership;

    DatasetCatalog(Membership membership) {
        this.membership = membership;
    }

    List<DatasetView> all() {
        Map<String, List<Held>> byName = new TreeMap<>();
        for (LearnerView l : membership.learners()) {
            for (DatasetInfo d : l.datasets()) {
                byName.computeIfAbsent(d.dataset(), k -> new ArrayList<>()).add(new Held(l, d));
            }
        }
        List<DatasetView> out = new ArrayList<>();
        byName.forEach((name, held) -> out.add(view(name, held)));
        return out;
    }

    Optional<DatasetView> find(String name) {
        return all().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Every upload id some learner still reports for {@code name}, newest first. */
    Map<String, Integer> uploads(String name) {
        Map<String, Integer> out = new LinkedHashMap<>();
        membership.learners().stream().flatMap(l -> l.datasets().stream())
                .filter(d -> d.dataset().equals(name) && d.uploaded())
                .sorted(Comparator.comparingLong(DatasetInfo::createdAt).reversed())
                .forEach(d -> out.putIfAbsent(d.uploadId(), d.shards()));
        return out;
    }

    private record Held(LearnerView learner, DatasetInfo info) {
    }

    private static DatasetView view(String name, List<Held> held) {
        DatasetInfo newest = held.stream().map(Held::info).filter(DatasetInfo::uploaded)
                .max(Comparator.comparingLong(DatasetInfo::createdAt)).orElse(null);
        List<Held> current = held.stream()
                .filter(h -> newest == null || newest.uploadId().equals(h.info().uploadId()) || !h.info().uploaded())
                .toList();
        Map<String, ShardAcc> shards = new TreeMap<>();
        if (newest != null) {
            for (int k = 0; k < newest.shards(); k++) {
                shards.put(DatasetSplit.letter(k), new ShardAcc());
            }
        }
        Set<String> testHolders = new LinkedHashSet<>();
        long testRows = -1;
        String testSha = null;
        int columns = 0;
        for (Held h : current) {
            DatasetInfo d = h.info();
            columns = Math.max(columns, d.columns());
            if (d.shard() != null) {
                ShardAcc acc = shards.computeIfAbsent(d.shard(), k -> new ShardAcc());
                acc.learners.add(h.learner().learnerId());
                if (h.learner().alive()) {
                    acc.live.add(h.learner().learnerId());
                }
                if (d.rows() >= 0) {
                    acc.rows = d.rows();
                    acc.sha = d.sha256();
                }
            }
            if (d.hasTest()) {
                testHolders.add(h.learner().learnerId());
                if (d.testRows() >= 0) {
                    testRows = d.testRows();
                    testSha = d.testSha256();
                }
            }
        }
        List<DatasetView.ShardView> shardViews = new ArrayList<>();
        shards.forEach((letter, a) -> shardViews.add(new DatasetView.ShardView(letter, a.rows, a.sha,
                List.copyOf(a.learners), List.copyOf(a.live))));
        int replicas = shardViews.stream().mapToInt(s -> s.liveLearners().size()).min().orElse(0);
        return new DatasetView(name, newest != null, newest == null ? null : newest.uploadId(),
                newest == null ? null : newest.target(), newest == null ? null : newest.seed(),
                newest == null ? null : newest.testFraction(), newest == null ? null : newest.createdAt(), columns,
                shardViews, new DatasetView.TestView(testRows, testSha, List.copyOf(testHolders)), replicas);
    }

    private static final class ShardAcc {
        final Set<String> learners = new LinkedHashSet<>();
        final Set<String> live = new LinkedHashSet<>();
        long rows = -1;
        String sha;
    }
}
