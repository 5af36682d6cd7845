package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.learning.InvalidParamsException;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.metrics.RegressionMetrics;

/** Gradient-boosted members trained with XGBoost: determinism, storage, early stopping, quality. */
class BoostedTrainingTest {

    @RegisterExtension
    static final HouseData data = new HouseData();


    @TempDir
    Path work;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void aRefitIsBitIdenticalDownToTheModelFile() throws IOException {
        FitJob job = Fixtures.job("m-1", 1, "boosted", Map.of("trees", 60), 11, "bootstrap", true);

        Member first = train(new MemberTrainer(clock), job);
        Member second = train(new MemberTrainer(clock), job);

        assertThat(bits(second.predict(data.testColumns(), Fixtures.TEST_ROWS)))
                .isEqualTo(bits(first.predict(data.testColumns(), Fixtures.TEST_ROWS)));
        assertThat(modelFile(second, "second")).isEqualTo(modelFile(first, "first"));
    }

    @Test
    void theThreadCountDoesNotChangeTheTrees() throws IOException {
        FitJob job = Fixtures.job("m-1", 1, "boosted", Map.of("trees", 60), 11, "shard", false);

        Member one = train(new MemberTrainer(clock, 1), job);
        Member two = train(new MemberTrainer(clock, 2), job);

        assertThat(modelFile(two, "two")).isEqualTo(modelFile(one, "one"));
        assertThat(two.info().provenance().get("trainer")).endsWith("nthread 2");
    }

    @Test
    void anotherSeedGrowsOtherTrees() {
        double[] seven = train(new MemberTrainer(clock), Fixtures.job("m", 1, "boosted", Map.of(), 7, "shard", false))
                .predict(data.testColumns(), Fixtures.TEST_ROWS);
        double[] eight = train(new MemberTrainer(clock), Fixtures.job("m", 1, "boosted", Map.of(), 8, "shard", false))
                .predict(data.testColumns(), Fixtures.TEST_ROWS);

        assertThat(Arrays.equals(seven, eight)).isFalse();
    }

    @Test
    void aForestBinsItsFeaturesIntoMaxBinsAndBoostedKeepsXGBoostsDefault() {
        assertThat(BoostedTrainer.forestParams(Algorithm.FOREST.resolve(Map.of()), 1, 1)).containsEntry("max_bin", 64);
        assertThat(BoostedTrainer.forestParams(Algorithm.FOREST.resolve(Map.of("maxBins", 256)), 1, 1))
                .containsEntry("max_bin", 256);
        assertThat(BoostedTrainer.boostedParams(Algorithm.BOOSTED.resolve(Map.of()), 1, 1)).containsEntry("max_bin", 256);
    }

    @Test
    void theForestsBinsReachXGBoost() {
        double[] fine = train(new MemberTrainer(clock), Fixtures.job("m", 1, "forest", Map.of(), 7, "shard", false))
                .predict(data.testColumns(), Fixtures.TEST_ROWS);
        double[] coarse = train(new MemberTrainer(clock),
                Fixtures.job("m", 1, "forest", Map.of("maxBins", 2), 7, "shard", false))
                .predict(data.testColumns(), Fixtures.TEST_ROWS);

        assertThat(Arrays.equals(fine, coarse)).isFalse();
    }

    @Test
    void isStoredInXGBoostsOwnFormatWithItsProvenanceAndLoadsBack() throws Exception {
        Member member = train(new MemberTrainer(clock), Fixtures.job("m-xgb", "boosted"));
        MemberStore store = new MemberStore(work.resolve("store"));
        store.save(member);

        Path folder = store.folder("m-xgb");
        assertThat(folder.resolve(BoostedRegression.FILE)).isRegularFile();
        assertThat(folder.resolve(MemberStore.MODEL_FILE)).doesNotExist();
        byte[] ubj = Files.readAllBytes(folder.resolve(BoostedRegression.FILE));
        assertThat((char) ubj[0]).as("a UBJSON object").isEqualTo('{');
        Booster booster = XGBoost.loadModel(ubj);
        assertThat(booster.getAttr("modelId")).isEqualTo("m-xgb");
        assertThat(booster.getAttr("dataFile")).isEqualTo("house/A/data.csv");
        assertThat(booster.getAttr("memberSeed")).isEqualTo(member.info().provenance().get("memberSeed"));
        assertThat(booster.getAttr("xgboostVersion")).isEqualTo("3.4.0");
        assertThat(booster.getNumBoostedRound()).isEqualTo(40);
        assertThat(member.info().provenance()).containsEntry("xgboostVersion", "3.4.0")
                .containsEntry("roundsTrained", "40").doesNotContainKey("tribuoVersion");

        MemberStore.Loaded loaded = new MemberStore(work.resolve("store")).loadAll();
        assertThat(loaded.failures()).isEmpty();
        assertThat(bits(loaded.members().get(0).predict(data.testColumns(), Fixtures.TEST_ROWS)))
                .isEqualTo(bits(member.predict(data.testColumns(), Fixtures.TEST_ROWS)));
    }

    @Test
    void aCorruptModelFileIsReportedNotFatal() throws IOException {
        MemberStore store = new MemberStore(work.resolve("store"));
        store.save(train(new MemberTrainer(clock), Fixtures.job("m-xgb", "boosted")));
        Files.write(store.folder("m-xgb").resolve(BoostedRegression.FILE), new byte[] {'{', 1, 2, 3});

        MemberStore.Loaded loaded = store.loadAll();

        assertThat(loaded.members()).isEmpty();
        assertThat(loaded.failures()).singleElement().satisfies(f -> assertThat(f.folder()).isEqualTo("m-xgb"));
    }

    @Test
    void earlyStoppingStopsOnTheHeldOutSliceAndPredictsWithTheBestRound() throws Exception {
        FitJob job = Fixtures.job("m-es", 1, "boosted",
                Map.of("trees", 2000, "learningRate", 0.5, "maxDepth", 6, "earlyStoppingRounds", 5), 7, "shard", false);

        Member member = train(new MemberTrainer(clock), job);

        Map<String, String> provenance = member.info().provenance();
        int rounds = Integer.parseInt(provenance.get("roundsTrained"));
        int best = Integer.parseInt(provenance.get("bestIteration"));
        assertThat(rounds).isLessThan(2000).isEqualTo(best + 6);
        assertThat(provenance).containsEntry("holdoutRows", "10").containsEntry("trainingRows", "90");
        assertThat(member.info().holdoutRmse()).isFinite().isPositive();

        // the stored model keeps every round it grew, and the best round with it
        MemberStore store = new MemberStore(work.resolve("store"));
        store.save(member);
        Booster stored = XGBoost.loadModel(Files.readAllBytes(store.folder("m-es").resolve(BoostedRegression.FILE)));
        assertThat(stored.getNumBoostedRound()).isEqualTo(rounds);
        assertThat(stored.getAttr(BoostedRegression.BEST_ITERATION)).isEqualTo(Integer.toString(best));
        Member reloaded = store.loadAll().members().get(0);
        double[] p = member.predict(data.testColumns(), Fixtures.TEST_ROWS);
        assertThat(bits(reloaded.predict(data.testColumns(), Fixtures.TEST_ROWS))).isEqualTo(bits(p));
        // and predicts with the trees up to the best round, not with all of them
        var rows = member.encoding().encodeColumns(data.testColumns(), Fixtures.TEST_ROWS);
        float[][] all = ((BoostedRegression) member.model()).booster().inplace_predict(
                BoostedRegression.dense(rows, BoostedRegression.index(member.encoding().featureNames()), Float.NaN),
                rows.size(), member.encoding().featureCount(), Float.NaN);
        assertThat(all[0][0]).isNotEqualTo((float) ((BoostedRegression) member.model()).predict(rows)[0]);
    }

    @Test
    void explainsTheTestSetBetterThanOneTree() {
        FitJob boosted = Fixtures.job("m-b", 1, "boosted", Map.of(), 7, "shard", false);
        FitJob tree = Fixtures.job("m-t", 1, "tree", Map.of(), 7, "shard", false);

        double r2Boosted = r2(train(new MemberTrainer(clock), boosted));
        double r2Tree = r2(train(new MemberTrainer(clock), tree));

        assertThat(r2Boosted).isGreaterThan(r2Tree).isGreaterThan(0.6);
    }

    @Test
    void refusesParametersOutsideTheirBounds() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("learningRate", 0), Map.of("maxDepth", 17),
                Map.of("subsample", 1.5), Map.of("colsampleByTree", 0.01), Map.of("trees", 0),
                Map.of("minChildWeight", -1), Map.of("lambda", 1e6), Map.of("earlyStoppingRounds", -1),
                Map.of("numParallelTree", 4))) {
            FitJob job = Fixtures.job("m", 1, "boosted", bad, 7, "shard", false);
            assertThrows(InvalidParamsException.class, () -> train(new MemberTrainer(clock), job), bad.toString());
        }
    }

    private double r2(Member member) {
        return RegressionMetrics.of(Fixtures.actuals(data.test()), member.predict(data.testColumns(), Fixtures.TEST_ROWS)).r2();
    }

    @Test
    void aJobLongerThanOneBlockIsPredictedAsEachRowAlone() {
        Member member = train(new MemberTrainer(clock), Fixtures.job("m", 1, "forest", Map.of("trees", 5), 7, "shard",
                false));
        List<org.mlensemble.common.features.EncodedRow> test = member.encoding().encodeColumns(data.testColumns(),
                Fixtures.TEST_ROWS);
        List<org.mlensemble.common.features.EncodedRow> rows = new java.util.ArrayList<>();
        while (rows.size() < 2 * BoostedRegression.BLOCK_ROWS + 7) {
            rows.addAll(test);
        }

        double[] whole = member.predictEncoded(rows);

        double[] alone = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            alone[i] = member.predictEncoded(rows.subList(i, i + 1))[0];
        }
        assertThat(bits(whole)).isEqualTo(bits(alone));
    }

    private Member train(MemberTrainer trainer, FitJob job) {
        return trainer.train(job, "learner-a", "A", data.shardA(), (phase, pct) -> { });
    }

    private byte[] modelFile(Member member, String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        member.model().save(dir);
        return Files.readAllBytes(dir.resolve(BoostedRegression.FILE));
    }

    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
