package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlensemble.common.features.DataException;
import org.mlensemble.common.learning.Algorithm;
import org.mlensemble.common.learning.InvalidParamsException;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.metrics.RegressionMetrics;
import org.mlensemble.common.table.Table;

class MemberTrainerTest {

    @RegisterExtension
    static final HouseData data = new HouseData();


    private final Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(strings = {"linear", "tree", "forest", "boosted"})
    void trainsAMemberThatPredictsFiniteValuesInTheShardRange(String algorithm) {
        Member member = train(Fixtures.job("m-1", algorithm), "A");

        double[] p = member.predict(data.testColumns(), Fixtures.TEST_ROWS);

        double[] y = Fixtures.actuals(data.shardA());
        double lo = Arrays.stream(y).min().orElseThrow();
        double hi = Arrays.stream(y).max().orElseThrow();
        assertThat(p).hasSize(Fixtures.TEST_ROWS);
        assertThat(Fixtures.boxed(p)).allSatisfy(v -> assertThat(v).isFinite().isBetween(lo, hi));
        assertThat(Arrays.stream(p).distinct().count()).isGreaterThan(1);
        assertThat(member.info().algorithm()).isEqualTo(algorithm);
        assertThat(member.info().modelId()).isEqualTo("m-1");
        assertThat(member.info().shard()).isEqualTo("A");
        assertThat(member.info().rows()).isEqualTo(100);
        assertThat(member.info().holdoutRmse()).isNaN();
        assertThat(member.info().params()).isEqualTo(Algorithm.fromWire(algorithm).resolve(Fixtures.params(algorithm)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "tree", "forest", "boosted"})
    void sameSeedGivesBitIdenticalPredictionsOnAFreshTrainer(String algorithm) {
        FitJob job = Fixtures.job("m-1", 1, algorithm, Fixtures.params(algorithm), 11, "bootstrap", true);

        double[] first = train(job, "A").predict(data.testColumns(), Fixtures.TEST_ROWS);
        double[] second = new MemberTrainer(clock).train(job, "learner-a", "A", Fixtures.shard(data.dir(), "A"),
            (phase, pct) -> { }).predict(data.testColumns(), Fixtures.TEST_ROWS);

        assertThat(Arrays.equals(first, second)).isTrue();
    }

    @Test
    void differentSeedGivesDifferentForestPredictions() {
        double[] seven = train(Fixtures.job("m", 1, "forest", Fixtures.params("forest"), 7, "shard", false), "A")
            .predict(data.testColumns(), Fixtures.TEST_ROWS);
        double[] eight = train(Fixtures.job("m", 1, "forest", Fixtures.params("forest"), 8, "shard", false), "A")
            .predict(data.testColumns(), Fixtures.TEST_ROWS);

        assertThat(Arrays.equals(seven, eight)).isFalse();
    }

    @Test
    void sameSeedOnAnotherShardGivesAnotherMemberSeed() {
        assertThat(MemberTrainer.memberSeed(7, "A")).isNotEqualTo(MemberTrainer.memberSeed(7, "B"))
            .isEqualTo(MemberTrainer.memberSeed(7, "A"));
    }

    @Test
    void bootstrapSamplingGivesADifferentLinearMemberThanTheShard() {
        Member whole = train(Fixtures.job("m", 1, "linear", Map.of(), 7, "shard", false), "A");
        Member bootstrap = train(Fixtures.job("m", 1, "linear", Map.of(), 7, "bootstrap", false), "A");

        assertThat(Arrays.equals(whole.predict(data.testColumns(), Fixtures.TEST_ROWS),
            bootstrap.predict(data.testColumns(), Fixtures.TEST_ROWS))).isFalse();
        assertThat(bootstrap.info().sampling()).isEqualTo("bootstrap");
        assertThat(whole.info().sampling()).isEqualTo("shard");
        assertThat(bootstrap.info().rows()).isEqualTo(100);
    }

    @Test
    void nullSamplingIsRecordedAsShard() {
        Member m = train(Fixtures.job("m", 1, "linear", Map.of(), 7, null, false), "A");

        assertThat(m.info().sampling()).isEqualTo("shard");
    }

    @Test
    void holdoutWeightsRecordAFiniteHoldoutError() {
        Member m = train(Fixtures.job("m", 1, "linear", Map.of(), 7, "shard", true), "A");

        assertThat(m.info().holdoutRmse()).isFinite().isPositive();
        assertThat(m.info().rows()).isEqualTo(90);
        assertThat(m.info().provenance()).containsEntry("holdoutRows", "10").containsEntry("trainingRows", "90");
    }

    @Test
    void unseenCategoryAndAllNullRowPredictFiniteValues() {
        Member linear = train(Fixtures.job("m", "linear"), "A");
        Member forest = train(Fixtures.job("m", "forest"), "A");
        Member boosted = train(Fixtures.job("m", "boosted"), "A");
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        data.testColumns().forEach((name, values) -> {
            List<Object> two = new ArrayList<>();
            two.add(name.equals("Neighborhood") ? "Atlantis" : values.get(0));
            two.add(null);
            columns.put(name, two);
        });

        for (Member m : List.of(linear, forest, boosted)) {
            assertThat(Fixtures.boxed(m.predict(columns, 2))).hasSize(2).allSatisfy(v -> assertThat(v).isFinite());
            assertThat(Fixtures.boxed(m.predict(Map.of(), 1))).hasSize(1).allSatisfy(v -> assertThat(v).isFinite());
        }
    }

    @Test
    void linearMembersPredictWithTheirWeightsExactlyAsTribuoDoes() {
        Member linear = train(Fixtures.job("m", "linear"), "A");
        Map<String, List<Object>> columns = new LinkedHashMap<>(data.testColumns());
        columns.put("Neighborhood", new ArrayList<>(data.testColumns().get("Neighborhood")));
        columns.get("Neighborhood").set(0, "Atlantis");
        columns.get("LotArea").set(1, null);
        var rows = linear.encoding().encodeColumns(columns, Fixtures.TEST_ROWS);

        double[] direct = linear.predictEncoded(rows);
        double[] tribuo = linear.predictWithTribuo(rows);

        assertThat(linear.linear()).isNotNull();
        for (int i = 0; i < direct.length; i++) {
            assertThat(direct[i]).as("row %d", i).isCloseTo(tribuo[i], org.assertj.core.data.Percentage.withPercentage(1e-9));
        }
        assertThat(train(Fixtures.job("m", "tree"), "A").linear()).as("trees keep Tribuo's path").isNull();
    }

    @Test
    void membersReadColumnsStraightIntoTheirIndexesAndPredictAsTribuoDoes() {
        Map<String, List<Object>> columns = new LinkedHashMap<>(data.testColumns());
        columns.put("Neighborhood", new ArrayList<>(data.testColumns().get("Neighborhood")));
        columns.get("Neighborhood").set(0, "Atlantis");
        columns.put("LotArea", new ArrayList<>(data.testColumns().get("LotArea")));
        columns.get("LotArea").set(1, null);
        columns.remove("GrLivArea"); // a column left out: missing in every row

        for (String algorithm : List.of("linear", "tree")) { // forest and boosted are XGBoost's
            Member m = train(Fixtures.job("m", algorithm), "A");
            var rows = m.encoding().encodeColumns(columns, Fixtures.TEST_ROWS);

            double[] direct = m.predict(columns, Fixtures.TEST_ROWS);
            double[] tribuo = m.predictWithTribuo(rows);

            assertThat(m.linear() != null || m.trees() != null).as(algorithm + " has a direct path").isTrue();
            for (int i = 0; i < direct.length; i++) {
                assertThat(direct[i]).as("%s row %d", algorithm, i)
                        .isCloseTo(tribuo[i], org.assertj.core.data.Percentage.withPercentage(1e-9));
            }
        }
    }

    @Test
    void theBinaryJobBodyPredictsTheSameBitsAsItsJson() {
        Map<String, List<Object>> columns = new LinkedHashMap<>(data.testColumns());
        columns.put("LotArea", new ArrayList<>(data.testColumns().get("LotArea")));
        columns.get("LotArea").set(1, null);
        var job = new org.mlensemble.common.messaging.PredictJob("m", columns, Fixtures.TEST_ROWS);
        var json = org.mlensemble.common.messaging.MessageCodec.decode(
                org.mlensemble.common.messaging.MessageCodec.encode(job), org.mlensemble.common.messaging.PredictJob.class);
        var binary = org.mlensemble.common.messaging.PredictJobCodec.decode(
                org.mlensemble.common.messaging.PredictJobCodec.encode(job));

        for (String algorithm : List.of("linear", "forest")) {
            Member m = train(Fixtures.job("m", algorithm), "A");
            assertThat(m.predict(binary.columns(), binary.rows())).as(algorithm)
                    .containsExactly(m.predict(json.columns(), json.rows()));
        }
    }

    @Test
    void theDirectPathRefusesWhatTheEncodingRefuses() {
        Member forest = train(Fixtures.job("m", "forest"), "A");
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        columns.put("LotArea", new ArrayList<>(List.of("not a number")));

        assertThrows(org.mlensemble.common.features.DataException.class, () -> forest.predict(columns, 1));
        assertThrows(org.mlensemble.common.features.DataException.class,
                () -> forest.predict(Map.of("NoSuchColumn", List.of(1)), 1));
    }

    @Test
    void logTargetPredictsInTheTargetsOwnUnits() {
        FitJob job = new FitJob("m", 1, Fixtures.DATASET, Fixtures.TARGET, "linear", Map.of(), 7, "shard", true,
            false, Map.of(), List.of("Id"));

        double[] p = train(job, "A").predict(data.testColumns(), Fixtures.TEST_ROWS);

        double mean = Arrays.stream(Fixtures.actuals(data.test())).average().orElseThrow();
        assertThat(Arrays.stream(p).average().orElseThrow()).isBetween(mean / 2, mean * 2);
    }

    @Test
    void linearMemberExplainsMostOfTheVarianceOnTheTestSet() {
        double[] p = train(Fixtures.job("m", "linear"), "A").predict(data.testColumns(), Fixtures.TEST_ROWS);

        assertThat(RegressionMetrics.of(Fixtures.actuals(data.test()), p).r2()).isGreaterThan(0.6);
    }

    @Test
    void reportsProgressPhases() {
        List<String> phases = new ArrayList<>();
        new MemberTrainer(clock).train(Fixtures.job("m", "tree"), "l", "A", data.shardA(), (phase, pct) -> phases.add(phase));

        assertThat(phases).containsExactly("encoding", "training");
    }

    @Test
    void refusesUnknownTargetAndInvalidParams() {
        FitJob badTarget = new FitJob("m", 1, Fixtures.DATASET, "Price", "linear", Map.of(), 7, "shard", false, false,
            Map.of(), List.of("Id"));
        FitJob badParams = Fixtures.job("m", 1, "forest", Map.of("trees", 0), 7, "shard", false);

        assertThrows(DataException.class, () -> train(badTarget, "A"));
        assertThrows(InvalidParamsException.class, () -> train(badParams, "A"));
    }

    private Member train(FitJob job, String shard) {
        Table table = shard.equals("A") ? data.shardA() : Fixtures.shard(data.dir(), shard);
        return new MemberTrainer(clock).train(job, "learner-" + shard.toLowerCase(), shard, table, (phase, pct) -> { });
    }
}
