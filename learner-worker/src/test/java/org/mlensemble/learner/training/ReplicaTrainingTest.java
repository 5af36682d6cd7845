package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.ReplyStatus;
import org.tribuo.Model;

/**
 * Replicas of a shard train its member themselves: two learners with different ids on the same
 * shard, given the same fit, must hold the same member. Every random choice derives from the seed
 * and the shard, never from the learner.
 */
class ReplicaTrainingTest {

    @RegisterExtension
    static final HouseData data = new HouseData();


    @TempDir
    Path work;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(strings = {"linear", "tree", "forest", "boosted"})
    void replicasOfAShardWithDifferentLearnerIdsTrainBitIdenticalMembers(String algorithm) throws IOException {
        Learner one = learner("learner-1");
        Learner five = learner("learner-5");
        // bootstrap and held-out weights: every random choice the trainer makes is exercised
        FitJob job = Fixtures.job("m-" + algorithm, 1_000, algorithm, Fixtures.params(algorithm), 11, "bootstrap",
                true);

        JobReply a = one.fit(job);
        JobReply b = five.fit(job);

        assertThat(a.status()).isEqualTo(ReplyStatus.OK);
        assertThat(b.status()).isEqualTo(ReplyStatus.OK);
        assertThat(a.member().learnerId()).isEqualTo("learner-1");
        assertThat(b.member().learnerId()).isEqualTo("learner-5");
        assertThat(bits(b.member().holdoutRmse())).isEqualTo(bits(a.member().holdoutRmse()));
        assertThat(b.member().provenance()).isEqualTo(a.member().provenance());

        PredictJob predict = new PredictJob(job.modelId(), Fixtures.columns(data.test()), data.test().rows().size());
        double[] pa = one.predict(predict).predictions();
        double[] pb = five.predict(predict).predictions();
        assertThat(bits(pb)).isEqualTo(bits(pa));

        // the stored metadata differs by the learner id alone
        String metaA = Files.readString(member(one, job, MemberStore.META_FILE), StandardCharsets.UTF_8);
        String metaB = Files.readString(member(five, job, MemberStore.META_FILE), StandardCharsets.UTF_8);
        assertThat(metaB.replace("learner-5", "learner-1")).isEqualTo(metaA);
        if (algorithm.equals("boosted") || algorithm.equals("forest")) {
            // XGBoost's file records no time and no learner: the replicas' files are the same bytes
            assertThat(Files.readAllBytes(member(five, job, BoostedRegression.FILE)))
                    .isEqualTo(Files.readAllBytes(member(one, job, BoostedRegression.FILE)));
            return;
        }
        // Tribuo's model file also records when the data source and the model were created, so its
        // bytes differ by those instants; what was trained, and how, is the same
        Model<?> ma = Model.deserializeFromFile(member(one, job, MemberStore.MODEL_FILE));
        Model<?> mb = Model.deserializeFromFile(member(five, job, MemberStore.MODEL_FILE));
        assertThat(mb.getProvenance().getTrainerProvenance()).isEqualTo(ma.getProvenance().getTrainerProvenance());
        assertThat(mb.getFeatureIDMap().size()).isEqualTo(ma.getFeatureIDMap().size());
    }

    private Learner learner(String id) {
        return new Learner(new Learner.Settings(id, "A", data.dir(), 3), new MemberStore(work.resolve(id)),
                new MemberTrainer(clock), clock);
    }

    private Path member(Learner learner, FitJob job, String file) {
        return work.resolve(learner.heartbeat(false).learnerId()).resolve(job.modelId()).resolve(file);
    }

    private static long[] bits(double... values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
