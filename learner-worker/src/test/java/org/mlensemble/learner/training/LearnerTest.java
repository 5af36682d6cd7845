package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.messaging.EvaluateJob;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.TrainingProgress;

class LearnerTest {

    @RegisterExtension
    static final HouseData data = new HouseData();

    private static PredictJob predictAll;

    @TempDir
    Path work;

    /** Moves one second at every reading, so that a retrain would leave a different trainedAt. */
    private final TickingClock clock = new TickingClock(Instant.parse("2024-01-01T00:00:00Z"), Duration.ofSeconds(1));

    private MemberStore store;

    @BeforeEach
    void newStore() {
        store = new MemberStore(work.resolve("models"));
    }

    @Test
    void fitThenPredict() {
        Learner learner = learner(3);

        JobReply fit = learner.fit(Fixtures.job("m-1", "linear"));
        JobReply predict = learner.predict(predict("m-1"));

        assertThat(fit.status()).isEqualTo(ReplyStatus.OK);
        assertThat(fit.job()).isEqualTo(JobType.FIT);
        assertThat(fit.learnerId()).isEqualTo("learner-a");
        assertThat(fit.member().modelId()).isEqualTo("m-1");
        assertThat(fit.member().shard()).isEqualTo("A");
        assertThat(predict.status()).isEqualTo(ReplyStatus.OK);
        assertThat(Fixtures.boxed(predict.predictions())).hasSize(Fixtures.TEST_ROWS).allSatisfy(v -> assertThat(v).isFinite());
        assertThat(learner.memberCount()).isEqualTo(1);
    }

    @Test
    void predictOnUnknownModelIsNoModel() {
        JobReply reply = learner(3).predict(predict("m-unknown"));

        assertThat(reply.status()).isEqualTo(ReplyStatus.NO_MODEL);
        assertThat(reply.predictions()).isNull();
    }

    @Test
    void predictWithAnUnknownColumnIsBadRequest() {
        Learner learner = learner(3);
        learner.fit(Fixtures.job("m-1", "linear"));

        JobReply reply = learner.predict(new PredictJob("m-1", Map.of("Colour", List.of("red")), 1));

        assertThat(reply.status()).isEqualTo(ReplyStatus.BAD_REQUEST);
        assertThat(reply.reason()).contains("Colour");
    }

    @Test
    void secondFitOfTheSameModelIsAlreadyTrainedAndDoesNotRetrain() {
        Learner learner = learner(3);
        JobReply first = learner.fit(Fixtures.job("m-1", "linear"));
        double[] before = learner.predict(predict("m-1")).predictions();

        FitJob again = Fixtures.job("m-1", 1_000, "linear", Map.of(), 99, "bootstrap", false);
        JobReply second = learner.fit(again);

        assertThat(second.status()).isEqualTo(ReplyStatus.OK);
        assertThat(second.reason()).isEqualTo("already trained");
        assertThat(second.member()).isEqualTo(first.member());
        assertThat(second.member().trainMs()).isEqualTo(first.member().trainMs());
        assertThat(second.member().seed()).isEqualTo(7);
        assertThat(second.workMs()).isZero();
        assertThat(Arrays.equals(learner.predict(predict("m-1")).predictions(), before)).isTrue();
    }

    @Test
    void unknownDatasetIsBadRequest() {
        Learner learner = learner(3);

        JobReply reply = learner.fit(withDataset("m-1", "no_such_data"));

        assertThat(reply.status()).isEqualTo(ReplyStatus.BAD_REQUEST);
        assertThat(reply.reason()).contains("no_such_data");
        assertThat(learner.memberCount()).isZero();
    }

    @Test
    void datasetNameThatClimbsOutOfTheDataDirectoryIsBadRequest() throws IOException {
        // a real shard one level up, which a resolved "../house" would reach
        Path inner = work.resolve("inner");
        Files.createDirectories(inner);
        Learner learner = new Learner(new Learner.Settings("learner-a", "A", inner, 3), store, new MemberTrainer(clock),
            clock);
        Fixtures.generate(work);

        for (String dataset : List.of("..", "../house", "house/../house", "x..y", "/etc", "")) {
            JobReply reply = learner.fit(withDataset("m-" + dataset.length(), dataset));
            assertThat(reply.status()).as(dataset).isEqualTo(ReplyStatus.BAD_REQUEST);
        }
        assertThat(learner.memberCount()).isZero();
    }

    @Test
    void datasetWithoutThisShardFails() throws IOException {
        Files.createDirectories(data.dir().resolve("empty_set"));
        JobReply reply = learner(3).fit(withDataset("m-1", "empty_set"));

        assertThat(reply.status()).isEqualTo(ReplyStatus.FAILED);
        assertThat(reply.reason()).contains("shard A");
    }

    @Test
    void unknownTargetIsBadRequest() {
        FitJob job = new FitJob("m-1", 1_000, Fixtures.DATASET, "Price", "linear", Map.of(), 7, "shard", false, false,
            Map.of(), List.of("Id"));

        JobReply reply = learner(3).fit(job);

        assertThat(reply.status()).isEqualTo(ReplyStatus.BAD_REQUEST);
        assertThat(reply.reason()).contains("Price");
    }

    @Test
    void unwritableModelDirectoryFailsAndTheModelIsNotHeld() throws IOException {
        Path file = Files.writeString(work.resolve("models-file"), "not a directory");
        store = new MemberStore(file);
        Learner learner = learner(3);

        JobReply reply = learner.fit(Fixtures.job("m-1", "linear"));

        assertThat(reply.status()).isEqualTo(ReplyStatus.FAILED);
        assertThat(reply.reason()).isNotBlank().contains("m-1");
        assertThat(reply.member()).isNull();
        assertThat(learner.memberCount()).isZero();
        assertThat(learner.predict(predict("m-1")).status()).isEqualTo(ReplyStatus.NO_MODEL);
        assertThat(learner.heartbeat(false).training()).extracting(TrainingProgress::modelId, TrainingProgress::phase)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("m-1", "failed"));
    }

    @Test
    void retentionKeepsOnlyTheModelsTrainedLastInMemoryAndOnDisk() {
        Learner learner = learner(2);

        learner.fit(Fixtures.job("m-old", 1_000, "linear", Map.of(), 7, "shard", false));
        learner.fit(Fixtures.job("m-new", 3_000, "linear", Map.of(), 7, "shard", false));
        learner.fit(Fixtures.job("m-mid", 2_000, "linear", Map.of(), 7, "shard", false));

        assertThat(learner.memberCount()).isEqualTo(2);
        assertThat(learner.predict(predict("m-old")).status()).isEqualTo(ReplyStatus.NO_MODEL);
        assertThat(learner.predict(predict("m-new")).status()).isEqualTo(ReplyStatus.OK);
        assertThat(learner.predict(predict("m-mid")).status()).isEqualTo(ReplyStatus.OK);
        assertThat(store.root().resolve("m-old")).doesNotExist();
        assertThat(store.root().resolve("m-new")).isDirectory();
        assertThat(store.root().resolve("m-mid")).isDirectory();
        assertThat(store.loadAll().members()).extracting(m -> m.info().modelId())
            .containsExactlyInAnyOrder("m-new", "m-mid");
    }

    @Test
    void retentionGoesByWhenThisLearnerTrainedAMemberNotByTheDateInTheJob() {
        Learner learner = learner(2);

        // dated newest first: were the job's createdAt the order, the member trained last would go
        learner.fit(Fixtures.job("m-dated-late", 9_000_000, "linear", Map.of(), 7, "shard", false));
        learner.fit(Fixtures.job("m-second", 2_000, "linear", Map.of(), 7, "shard", false));
        learner.fit(Fixtures.job("m-dated-early", 1, "linear", Map.of(), 7, "shard", false));

        assertThat(learner.memberInfos()).extracting(MemberInfo::modelId)
            .containsExactlyInAnyOrder("m-second", "m-dated-early");
    }

    @Test
    void persistedMembersServeTheSamePredictionsAfterARestart() {
        Learner first = learner(3);
        first.fit(Fixtures.job("m-lin", "linear"));
        first.fit(Fixtures.job("m-for", 2_000, "forest", Fixtures.params("forest"), 7, "shard", false));
        first.fit(Fixtures.job("m-xgb", 3_000, "boosted", Fixtures.params("boosted"), 7, "shard", false));

        Learner restarted = learner(3);
        List<MemberStore.LoadFailure> failures = restarted.loadPersisted();

        assertThat(failures).isEmpty();
        assertThat(restarted.memberCount()).isEqualTo(3);
        for (String id : List.of("m-lin", "m-for", "m-xgb")) {
            assertThat(Arrays.equals(restarted.predict(predict(id)).predictions(),
                first.predict(predict(id)).predictions())).as(id).isTrue();
        }
        assertThat(restarted.heartbeat(false).loadFailures()).isZero();
    }

    @Test
    void loadPersistedReportsCorruptMembersInTheHeartbeat() throws IOException {
        learner(3).fit(Fixtures.job("m-1", "linear"));
        Files.write(store.root().resolve("m-1").resolve(MemberStore.MODEL_FILE), new byte[] {0});

        Learner restarted = learner(3);

        assertThat(restarted.loadPersisted()).hasSize(1);
        assertThat(restarted.memberCount()).isZero();
        assertThat(restarted.heartbeat(false).loadFailures()).isEqualTo(1);
    }

    @Test
    void evaluatePredictsTheWholeTestSetWithItsActuals() {
        Learner learner = learner(3);
        learner.fit(Fixtures.job("m-1", "tree"));

        JobReply reply = learner.evaluate(new EvaluateJob("m-1"));

        assertThat(reply.status()).isEqualTo(ReplyStatus.OK);
        assertThat(reply.job()).isEqualTo(JobType.EVALUATE);
        assertThat(reply.predictions()).hasSize(Fixtures.TEST_ROWS);
        assertThat(reply.actuals()).containsExactly(Fixtures.actuals(data.test()));
        assertThat(learner.evaluate(new EvaluateJob("m-x")).status()).isEqualTo(ReplyStatus.NO_MODEL);
    }

    @Test
    void heartbeatListsMembersNewestFirstAndStillNamesThemWhenLeaving() {
        Learner learner = learner(5);
        learner.fit(Fixtures.job("m-b", 2_000, "linear", Map.of(), 7, "shard", false));
        learner.fit(Fixtures.job("m-c", 3_000, "linear", Map.of(), 7, "shard", false));
        learner.fit(Fixtures.job("m-a", 1_000, "linear", Map.of(), 7, "shard", false));

        Heartbeat beat = learner.heartbeat(false);
        Heartbeat leaving = learner.heartbeat(true);

        assertThat(beat.members()).extracting(MemberInfo::modelId).containsExactly("m-c", "m-b", "m-a");
        assertThat(beat.leaving()).isFalse();
        assertThat(beat.learnerId()).isEqualTo("learner-a");
        assertThat(beat.shard()).isEqualTo("A");
        assertThat(beat.training()).extracting(TrainingProgress::phase).containsOnly("done");
        // a leaving learner still names its members, so the api can report them missing
        assertThat(leaving.members()).extracting(MemberInfo::modelId).containsExactly("m-c", "m-b", "m-a");
        assertThat(leaving.leaving()).isTrue();
        assertThat(leaving.instanceId()).isEqualTo(beat.instanceId());
    }

    @Test
    void finishedFitsDropOutOfTheHeartbeatAfterAMinute() {
        Learner learner = learner(3);
        learner.fit(Fixtures.job("m-1", "linear"));
        assertThat(learner.heartbeat(false).training()).extracting(TrainingProgress::modelId).containsExactly("m-1");

        clock.advance(Duration.ofMinutes(2));

        assertThat(learner.heartbeat(false).training()).isEmpty();
    }

    @Test
    void adoptsACopiedJointModelThatCoversItsShardAndRefusesAMemberThatDoesNot() throws Exception {
        // a peer's member, relabelled as a joint model over A and B, then as one over B and C
        MemberStore peer = new MemberStore(work.resolve("peer"));
        new Learner(new Learner.Settings("learner-p", "A", data.dir(), 3), peer, new MemberTrainer(clock), clock)
                .fit(Fixtures.job("m-1", "linear"));
        Member trained = peer.loadAll().members().get(0);
        Learner learner = learner(3);

        assertThat(learner.adopt(staged(relabelled(trained, "m-joint", "A+B")), "learner-p")).isTrue();
        assertThat(learner.holds("m-joint")).isTrue();
        assertThatThrownBy(() -> learner.adopt(staged(relabelled(trained, "m-other", "B+C")), "learner-p"))
                .hasMessageContaining("does not cover A");
        assertThat(learner.holds("m-other")).isFalse();
    }

    private static Member relabelled(Member m, String modelId, String shard) {
        MemberInfo i = m.info();
        return new Member(m.model(), m.encoding(), new MemberInfo(modelId, i.learnerId(), shard, i.dataset(),
                i.target(), i.algorithm(), i.params(), i.seed(), i.sampling(), i.createdAt(), i.trainedAt(), i.rows(),
                i.features(), i.trainMs(), i.holdoutRmse(), i.provenance()), m.clip());
    }

    /** The member's files, as a peer's copy assembled in this learner's staging folder. */
    private Path staged(Member m) throws IOException {
        MemberStore scratch = new MemberStore(work.resolve("scratch-" + m.info().modelId()));
        scratch.save(m);
        Path staged = store.stagingFolder(m.info().modelId());
        try (var files = Files.list(scratch.folder(m.info().modelId()))) {
            for (Path f : files.toList()) {
                Files.copy(f, staged.resolve(f.getFileName()));
            }
        }
        return staged;
    }

    private Learner learner(int retention) {
        return new Learner(new Learner.Settings("learner-a", "A", data.dir(), retention), store, new MemberTrainer(clock),
            clock);
    }

    private static PredictJob predict(String modelId) {
        return new PredictJob(modelId, Fixtures.columns(data.test()), Fixtures.TEST_ROWS);
    }

    private static FitJob withDataset(String modelId, String dataset) {
        return new FitJob(modelId, 1_000, dataset, Fixtures.TARGET, "linear", Map.of(), 7, "shard", false, false,
            Map.of(), List.of("Id"));
    }

    /** A clock that moves forward by a fixed step each time it is read, and when told to. */
    static final class TickingClock extends Clock {
        private Instant now;
        private final Duration step;

        TickingClock(Instant start, Duration step) {
            this.now = start;
            this.step = step;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public synchronized Instant instant() {
            Instant t = now;
            now = now.plus(step);
            return t;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
