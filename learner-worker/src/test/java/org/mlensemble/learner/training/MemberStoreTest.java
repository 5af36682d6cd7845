package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.messaging.FitJob;

class MemberStoreTest {

    @RegisterExtension
    static final HouseData data = new HouseData();


    @TempDir
    Path root;

    private final Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void savedMembersLoadWithIdenticalPredictions() {
        MemberStore store = new MemberStore(root);
        Member linear = train("m-linear", "linear");
        Member forest = train("m-forest", "forest");
        store.save(linear);
        store.save(forest);

        MemberStore.Loaded loaded = new MemberStore(root).loadAll();

        assertThat(loaded.failures()).isEmpty();
        assertThat(loaded.members()).hasSize(2);
        for (Member original : List.of(linear, forest)) {
            Member back = loaded.members().stream()
                .filter(m -> m.info().modelId().equals(original.info().modelId())).findFirst().orElseThrow();
            assertThat(back.info()).isEqualTo(original.info());
            assertThat(Arrays.equals(back.predict(data.testColumns(), Fixtures.TEST_ROWS),
                original.predict(data.testColumns(), Fixtures.TEST_ROWS))).isTrue();
        }
    }

    @Test
    void savesOneFolderPerModelWithoutLeftovers() throws IOException {
        MemberStore store = new MemberStore(root.resolve("nested/models"));
        store.save(train("m-1", "linear"));
        store.save(train("m-1", "linear"));

        try (var files = Files.list(store.root())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("m-1");
        }
        assertThat(store.root().resolve("m-1").resolve(MemberStore.MODEL_FILE)).isRegularFile();
        assertThat(store.root().resolve("m-1").resolve(MemberStore.META_FILE)).isRegularFile();
    }

    @Test
    void corruptModelIsReportedAndSkippedWhileOthersLoad() throws IOException {
        MemberStore store = new MemberStore(root);
        store.save(train("m-bad", "linear"));
        store.save(train("m-good", "tree"));
        Files.write(root.resolve("m-bad").resolve(MemberStore.MODEL_FILE), new byte[] {1, 2, 3, 4, 5});

        MemberStore.Loaded loaded = store.loadAll();

        assertThat(loaded.members()).extracting(m -> m.info().modelId()).containsExactly("m-good");
        assertThat(loaded.failures()).extracting(MemberStore.LoadFailure::folder).containsExactly("m-bad");
        assertThat(loaded.failures().get(0).reason()).isNotBlank();
    }

    @Test
    void corruptMetadataIsReportedAndSkipped() throws IOException {
        MemberStore store = new MemberStore(root);
        store.save(train("m-bad", "linear"));
        Files.writeString(root.resolve("m-bad").resolve(MemberStore.META_FILE), "{not json");

        MemberStore.Loaded loaded = store.loadAll();

        assertThat(loaded.members()).isEmpty();
        assertThat(loaded.failures()).extracting(MemberStore.LoadFailure::folder).containsExactly("m-bad");
    }

    @Test
    void interruptedSaveFolderIsCleanedAndNotReported() throws IOException {
        MemberStore store = new MemberStore(root);
        store.save(train("m-1", "linear"));
        Path partial = root.resolve(".m-2.tmp-1234");
        Files.createDirectories(partial);
        Files.write(partial.resolve(MemberStore.MODEL_FILE), new byte[] {9, 9});

        MemberStore.Loaded loaded = store.loadAll();

        assertThat(partial).doesNotExist();
        assertThat(loaded.failures()).isEmpty();
        assertThat(loaded.members()).extracting(m -> m.info().modelId()).containsExactly("m-1");
    }

    @Test
    void missingRootLoadsNothing() {
        MemberStore.Loaded loaded = new MemberStore(root.resolve("absent")).loadAll();

        assertThat(loaded.members()).isEmpty();
        assertThat(loaded.failures()).isEmpty();
    }

    @Test
    void deleteRemovesTheFolder() {
        MemberStore store = new MemberStore(root);
        store.save(train("m-1", "linear"));

        store.delete("m-1");

        assertThat(root.resolve("m-1")).doesNotExist();
        assertThat(store.loadAll().members()).isEmpty();
    }

    @Test
    void saveUnderARegularFileFailsWithUncheckedIo() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-dir"), "x");
        MemberStore store = new MemberStore(file);

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.save(train("m-1", "linear")));

        assertThat(e).hasMessageContaining("m-1");
    }

    @Test
    void installMovesACopyIntoPlaceWithRewrittenMetadataAndTheModelFileUntouched() throws IOException {
        MemberStore peer = new MemberStore(root.resolve("peer"));
        peer.save(train("m-1", "tree"));
        MemberStore mine = new MemberStore(root.resolve("mine"));
        Path staged = mine.stagingFolder("m-1");
        for (String f : List.of(MemberStore.MODEL_FILE, MemberStore.META_FILE)) {
            Files.copy(peer.folder("m-1").resolve(f), staged.resolve(f));
        }

        Member installed = mine.install(staged, info -> new org.mlensemble.common.messaging.MemberInfo(info.modelId(),
                "learner-b", info.shard(), info.dataset(), info.target(), info.algorithm(), info.params(), info.seed(),
                info.sampling(), info.createdAt(), info.trainedAt(), info.rows(), info.features(), info.trainMs(),
                info.holdoutRmse(), info.provenance()), id -> false);

        assertThat(installed.info().learnerId()).isEqualTo("learner-b");
        assertThat(staged).doesNotExist();
        assertThat(Files.readAllBytes(mine.folder("m-1").resolve(MemberStore.MODEL_FILE)))
            .isEqualTo(Files.readAllBytes(peer.folder("m-1").resolve(MemberStore.MODEL_FILE)));
        assertThat(mine.loadAll().members()).extracting(m -> m.info().learnerId()).containsExactly("learner-b");
    }

    @Test
    void installRefusesACopyThatDoesNotLoadAndLeavesNothing() throws IOException {
        MemberStore mine = new MemberStore(root);
        Path staged = mine.stagingFolder("m-1");
        Files.write(staged.resolve(MemberStore.MODEL_FILE), new byte[] {1, 2, 3});
        Files.writeString(staged.resolve(MemberStore.META_FILE), "{}");

        assertThrows(IOException.class, () -> mine.install(staged, info -> info, id -> false));

        try (var files = Files.list(root)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void installSkipsAModelHeldMeanwhile() throws IOException {
        MemberStore peer = new MemberStore(root.resolve("peer"));
        peer.save(train("m-1", "linear"));
        MemberStore mine = new MemberStore(root.resolve("mine"));
        Path staged = mine.stagingFolder("m-1");
        for (String f : List.of(MemberStore.MODEL_FILE, MemberStore.META_FILE)) {
            Files.copy(peer.folder("m-1").resolve(f), staged.resolve(f));
        }

        assertThat(mine.install(staged, info -> info, id -> true)).isNull();
        assertThat(staged).doesNotExist();
        assertThat(mine.folder("m-1")).doesNotExist();
    }

    private Member train(String modelId, String algorithm) {
        FitJob job = Fixtures.job(modelId, 1_000, algorithm, Fixtures.params(algorithm), 7, "shard", true);
        return new MemberTrainer(clock).train(job, "learner-a", "A", data.shardA(), (phase, pct) -> { });
    }
}
