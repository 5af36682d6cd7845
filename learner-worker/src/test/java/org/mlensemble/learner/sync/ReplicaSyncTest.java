package org.mlensemble.learner.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.datagen.HousePricingGenerator;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.sync.FetchRequest;
import org.mlensemble.common.messaging.sync.Inventory;
import org.mlensemble.common.messaging.sync.InventoryRequest;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.Learner;
import org.mlensemble.learner.training.MemberStore;
import org.mlensemble.learner.training.MemberTrainer;

/**
 * The sync between real learners on disk, with the broker replaced by direct calls on the peers'
 * {@link Holdings}: what travels, how it is checked, and what the copy serves.
 */
class ReplicaSyncTest {

    private static final String DATASET = "house";

    @TempDir
    static Path peerRoot;

    private static Learner peer;
    private static PredictJob predictTestRows;

    @TempDir
    Path work;

    private final Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    @BeforeAll
    static void trainAPeer() throws IOException {
        HousePricingGenerator.generate(peerRoot.resolve("data").resolve(DATASET), 42, 400, 50);
        Clock fixed = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
        peer = learner("peer-1", peerRoot, fixed);
        for (int i = 1; i <= 3; i++) {
            JobReply r = peer.fit(fit("m-" + i, i * 1000L, i == 3 ? "forest" : "linear"));
            assertThat(r.status()).isEqualTo(ReplyStatus.OK);
        }
        Table test = CsvReader.read(peerRoot.resolve("data").resolve(DATASET).resolve("test").resolve("data.csv"));
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int c = 0; c < test.header().size(); c++) {
            if (test.header().get(c).equals(HousePricingGenerator.TARGET)) {
                continue;
            }
            List<Object> values = new ArrayList<>();
            for (String[] row : test.rows()) {
                values.add(Table.isMissing(row[c]) ? null : row[c]);
            }
            columns.put(test.header().get(c), values);
        }
        predictTestRows = new PredictJob("m-3", columns, test.rows().size());
    }

    @Test
    void anEmptyLearnerCopiesItsShardsMembersAndDataFromAPeer() throws Exception {
        Learner empty = learner("late-1", work, clock);
        SyncState state = new SyncState();
        Peers peers = new Peers().add(peer);

        ReplicaSync.Report report = new ReplicaSync(empty, new Holdings(empty), peers, state, 4096).run();

        assertThat(report.peers()).isEqualTo(1);
        assertThat(report.members()).isEqualTo(3);
        assertThat(report.files()).isEqualTo(2);
        assertThat(report.failures()).isZero();
        assertThat(peers.chunks).as("files larger than a chunk travel in several").isGreaterThan(5);
        assertThat(empty.memberInfos()).extracting(i -> i.modelId()).containsExactly("m-3", "m-2", "m-1");
        assertThat(empty.memberInfos()).allSatisfy(i -> {
            assertThat(i.learnerId()).isEqualTo("late-1");
            assertThat(i.provenance()).containsEntry("copiedFrom", "peer-1");
        });
        for (String file : List.of("A/data.csv", "test/data.csv")) {
            Path copy = work.resolve("data").resolve(DATASET).resolve(file);
            assertThat(Holdings.sha256(copy)).isEqualTo(Holdings.sha256(peerRoot.resolve("data").resolve(DATASET).resolve(file)));
        }
        assertThat(work.resolve("data").resolve(DATASET).resolve("B")).doesNotExist();
        // m-3 is a forest, which XGBoost grows: its UBJSON file is copied byte for byte
        assertThat(Files.readAllBytes(work.resolve("models/late-1/m-3/member.ubj")))
                .isEqualTo(Files.readAllBytes(peerRoot.resolve("models/peer-1/m-3/member.ubj")));
        assertThat(Files.readAllBytes(work.resolve("models/late-1/m-1/member.tribuo")))
                .isEqualTo(Files.readAllBytes(peerRoot.resolve("models/peer-1/m-1/member.tribuo")));
        // the copy survives a restart like a trained member
        Learner restarted = learner("late-1", work, clock);
        restarted.loadPersisted();
        assertThat(restarted.memberCount()).isEqualTo(3);
        assertThat(state.snapshot()).containsEntry("members", "3/3").containsEntry("datasetFiles", "2/2");
    }

    @Test
    void aCopiedMemberPredictsBitIdenticallyToThePeersMember() throws Exception {
        Learner copy = learner("late-2", work, clock);
        new ReplicaSync(copy, new Holdings(copy), new Peers().add(peer), new SyncState(), 64 * 1024).run();

        for (String modelId : List.of("m-1", "m-3")) {
            PredictJob job = new PredictJob(modelId, predictTestRows.columns(), predictTestRows.rows());
            double[] theirs = peer.predict(job).predictions();
            double[] ours = copy.predict(job).predictions();
            assertThat(ours).hasSize(predictTestRows.rows());
            assertThat(Arrays.equals(ours, theirs)).as(modelId).isTrue();
        }
    }

    @Test
    void aCorruptedChunkIsRefusedAndTheNextPeerServesTheFile() throws Exception {
        Learner empty = learner("late-3", work, clock);
        // the liar answers first, so every file is first tried from it
        Peers peers = new Peers().addCorrupting("liar", peer).add(peer);

        ReplicaSync.Report report = new ReplicaSync(empty, new Holdings(empty), peers, new SyncState(), 4096).run();

        assertThat(report.failures()).isZero();
        assertThat(empty.memberCount()).isEqualTo(3);
        assertThat(peers.servedBy).containsKeys("liar", "peer-1");
        assertThat(Holdings.sha256(work.resolve("data").resolve(DATASET).resolve("A/data.csv")))
                .isEqualTo(Holdings.sha256(peerRoot.resolve("data").resolve(DATASET).resolve("A/data.csv")));
    }

    @Test
    void aCorruptedChunkWithNoOtherPeerLeavesNothingBehind() throws Exception {
        Learner empty = learner("late-4", work, clock);
        Peers peers = new Peers().addCorrupting("liar", peer);

        ReplicaSync.Report report = new ReplicaSync(empty, new Holdings(empty), peers, new SyncState(), 4096).run();

        assertThat(report.members()).isZero();
        assertThat(report.files()).isZero();
        assertThat(report.failures()).isEqualTo(5);
        assertThat(empty.memberCount()).isZero();
        try (Stream<Path> left = Files.walk(work).filter(Files::isRegularFile)) {
            assertThat(left.toList()).as("no partial file nor staging folder").isEmpty();
        }
    }

    @Test
    void aLearnerWithNoPeerHasNothingToCopy() throws Exception {
        Learner alone = learner("alone", work, clock);
        SyncState state = new SyncState();

        ReplicaSync.Report report = new ReplicaSync(alone, new Holdings(alone), new Peers(), state, 4096).run();

        assertThat(report).isEqualTo(new ReplicaSync.Report(0, 0, 0, 0, 0));
    }

    @Test
    void aLearnerThatHoldsEverythingCopiesNothing() throws Exception {
        Peers peers = new Peers().add(peer);
        Learner twin = learner("twin", work, clock);
        new ReplicaSync(twin, new Holdings(twin), peers, new SyncState(), 1 << 20).run();
        int chunks = peers.chunks;

        ReplicaSync.Report again = new ReplicaSync(twin, new Holdings(twin), peers, new SyncState(), 1 << 20).run();

        assertThat(again.members() + again.files()).isZero();
        assertThat(peers.chunks).isEqualTo(chunks);
    }

    @Test
    void aPeerRefusesFilesOutsideWhatItOffers() {
        Holdings holdings = new Holdings(peer);
        for (FetchRequest bad : List.of(
                new FetchRequest("x", FetchRequest.DATASET, DATASET, "B/data.csv", 0, 10),
                new FetchRequest("x", FetchRequest.DATASET, DATASET, "A/../../../etc/passwd", 0, 10),
                new FetchRequest("x", FetchRequest.DATASET, "..", "A/data.csv", 0, 10),
                new FetchRequest("x", FetchRequest.MEMBER, "m-1", "../m-2/member.json", 0, 10),
                new FetchRequest("x", FetchRequest.MEMBER, "m-9", "member.json", 0, 10),
                new FetchRequest("x", FetchRequest.DATASET, DATASET, "A/data.csv", -1, 10),
                new FetchRequest("x", "other", DATASET, "A/data.csv", 0, 10))) {
            org.junit.jupiter.api.Assertions.assertThrows(Holdings.Refused.class, () -> holdings.read(bad, 1024),
                    bad.toString());
        }
    }

    @Test
    void checksumsOfFilesNoLongerHeldAreForgotten() throws Exception {
        Learner holder = learner("holder-1", work, clock);
        HousePricingGenerator.generate(work.resolve("data").resolve("kept"), 1, 40, 10);
        HousePricingGenerator.generate(work.resolve("data").resolve("dropped"), 2, 40, 10);
        Holdings holdings = new Holdings(holder);

        assertThat(holdings.inventory().datasets()).hasSize(2);
        assertThat(holdings.cachedChecksums()).isEqualTo(4); // each dataset's A part and test part

        try (var files = Files.walk(work.resolve("data").resolve("dropped"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        assertThat(holdings.inventory().datasets()).extracting(d -> d.dataset()).containsExactly("kept");
        assertThat(holdings.cachedChecksums()).isEqualTo(2);
    }

    private static Learner learner(String id, Path root, Clock clock) {
        return new Learner(new Learner.Settings(id, "A", root.resolve("data"), 5),
                new MemberStore(root.resolve("models").resolve(id)), new MemberTrainer(clock), clock);
    }

    private static FitJob fit(String modelId, long createdAt, String algorithm) {
        Map<String, Object> params = algorithm.equals("forest") ? Map.of("trees", 5, "maxDepth", 8) : Map.of();
        return new FitJob(modelId, createdAt, DATASET, HousePricingGenerator.TARGET, algorithm, params, 7, "shard", false,
                false, Map.of(), List.of("Id"));
    }

    /** Peers answering in process; a corrupting one flips a byte of every chunk it sends. */
    private static final class Peers implements SyncTransport {

        private final Map<String, Holdings> peers = new LinkedHashMap<>();
        private final Map<String, Boolean> corrupting = new LinkedHashMap<>();
        final Map<String, Integer> servedBy = new LinkedHashMap<>();
        int chunks;

        Peers add(Learner l) {
            peers.put(l.learnerId(), new Holdings(l));
            corrupting.put(l.learnerId(), false);
            return this;
        }

        /** A peer named {@code id} that holds what {@code l} holds, but corrupts what it sends. */
        Peers addCorrupting(String id, Learner l) {
            peers.put(id, new Holdings(l));
            corrupting.put(id, true);
            return this;
        }

        @Override
        public List<Inventory> inventory(InventoryRequest request) {
            List<Inventory> out = new ArrayList<>();
            peers.forEach((id, h) -> {
                Inventory i = h.inventory();
                out.add(new Inventory(id, i.shard(), i.members(), i.datasets()));
            });
            return out;
        }

        @Override
        public Chunk fetch(String peerId, FetchRequest request) throws SyncException {
            try {
                Chunk c = peers.get(peerId).read(request, 1 << 20);
                chunks++;
                servedBy.merge(peerId, 1, Integer::sum);
                if (corrupting.get(peerId)) {
                    byte[] b = c.bytes().clone();
                    b[b.length / 2] ^= 0x20;
                    return new Chunk(b, c.fileSize());
                }
                return c;
            } catch (Holdings.Refused e) {
                throw new SyncException(e.getMessage());
            }
        }
    }
}
