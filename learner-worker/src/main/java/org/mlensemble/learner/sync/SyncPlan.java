package org.mlensemble.learner.sync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlensemble.common.messaging.JointSpec;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.sync.HeldDataset;
import org.mlensemble.common.messaging.sync.HeldMember;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.SyncFile;

/**
 * What a learner copies from its peers, given what it holds and what they hold: the members of
 * its shard (a joint model that covers it included) it lacks among the newest {@code retention}
 * model versions, and the dataset files of
 * its shard and of the test part that it lacks or that differ from the peers' copy.
 *
 * @param members newest first
 */
record SyncPlan(List<MemberFetch> members, List<FileFetch> files) {

    /**
     * One member to copy.
     *
     * @param sources per peer holding it, the files of its folder as that peer has them (the
     *                metadata names the peer that trained it, so its checksum differs by peer)
     */
    record MemberFetch(MemberInfo info, Map<String, List<SyncFile>> sources) {

        long bytes() {
            return sources.values().iterator().next().stream().mapToLong(SyncFile::size).sum();
        }
    }

    /** One dataset file to copy, from any of {@code peers}, which agree on its content. */
    record FileFetch(String dataset, SyncFile file, List<String> peers) {
    }

    boolean isEmpty() {
        return members.isEmpty() && files.isEmpty();
    }

    long bytes() {
        return members.stream().mapToLong(MemberFetch::bytes).sum()
                + files.stream().mapToLong(f -> f.file().size()).sum();
    }

    /**
     * @param mine  this learner's own inventory
     * @param peers the answers of the other learners; answers of another shard or of this learner are ignored
     */
    static SyncPlan of(Inventory mine, List<Inventory> peers, int retention) {
        String shard = mine.shard();
        List<Inventory> replicas = peers.stream()
                .filter(p -> shard.equals(p.shard()) && p.learnerId() != null && !p.learnerId().equals(mine.learnerId()))
                .toList();
        return new SyncPlan(members(mine, replicas, retention), files(mine, replicas));
    }

    private static List<MemberFetch> members(Inventory mine, List<Inventory> peers, int retention) {
        Map<String, MemberInfo> all = new LinkedHashMap<>();
        Set<String> held = new HashSet<>();
        for (HeldMember m : mine.members()) {
            all.put(m.info().modelId(), m.info());
            held.add(m.info().modelId());
        }
        Map<String, Map<String, List<SyncFile>>> sources = new LinkedHashMap<>();
        for (Inventory peer : peers) {
            for (HeldMember m : peer.members()) {
                MemberInfo info = m.info();
                if (info == null || !Names.isSafeName(info.modelId()) || !JointSpec.covers(info.shard(), mine.shard())
                        || m.files().isEmpty() || !m.files().stream().allMatch(f -> SyncPaths.memberFile(f.path()))) {
                    continue;
                }
                all.putIfAbsent(info.modelId(), info);
                sources.computeIfAbsent(info.modelId(), k -> new LinkedHashMap<>()).put(peer.learnerId(), m.files());
            }
        }
        List<MemberFetch> out = new ArrayList<>();
        all.values().stream()
                .sorted(Comparator.comparingLong(MemberInfo::createdAt).reversed().thenComparing(MemberInfo::modelId))
                .limit(retention)
                .filter(info -> !held.contains(info.modelId()))
                .forEach(info -> out.add(new MemberFetch(info, sources.get(info.modelId()))));
        return out;
    }

    private static List<FileFetch> files(Inventory mine, List<Inventory> peers) {
        Map<String, String> myHashes = new LinkedHashMap<>();
        for (HeldDataset d : mine.datasets()) {
            d.files().forEach(f -> myHashes.put(d.dataset() + "/" + f.path(), f.sha256()));
        }
        // dataset/path -> checksum -> the file as described, and the peers holding that version
        Map<String, Map<String, Version>> versions = new LinkedHashMap<>();
        for (Inventory peer : peers) {
            for (HeldDataset d : peer.datasets()) {
                if (!Names.isSafeName(d.dataset())) {
                    continue;
                }
                for (SyncFile f : d.files()) {
                    if (!SyncPaths.datasetFile(mine.shard(), f.path()) || f.sha256() == null || f.size() < 0) {
                        continue;
                    }
                    versions.computeIfAbsent(d.dataset() + "/" + f.path(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(f.sha256() + ":" + f.size(), k -> new Version(d.dataset(), f, new ArrayList<>()))
                            .peers().add(peer.learnerId());
                }
            }
        }
        List<FileFetch> out = new ArrayList<>();
        versions.forEach((key, byContent) -> {
            String have = myHashes.get(key);
            if (have != null && byContent.values().stream().anyMatch(v -> v.file().sha256().equals(have))) {
                return; // mine is a version some replica holds too: keep it
            }
            // the version most replicas hold; the first seen on a tie
            Version chosen = byContent.values().stream()
                    .max(Comparator.comparingInt((Version v) -> v.peers().size())).orElseThrow();
            for (Version v : byContent.values()) {
                if (v.peers().size() == chosen.peers().size()) {
                    chosen = v;
                    break;
                }
            }
            out.add(new FileFetch(chosen.dataset(), chosen.file(), List.copyOf(chosen.peers())));
        });
        return out;
    }

    private record Version(String dataset, SyncFile file, List<String> peers) {
    }
}
