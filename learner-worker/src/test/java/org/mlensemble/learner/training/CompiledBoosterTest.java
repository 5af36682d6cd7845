package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlensemble.common.messaging.FitJob;

/**
 * The Java walk over an XGBoost member's trees predicts what XGBoost's own in-place prediction
 * does, to float precision: forests and boosted rounds, rows with an unseen level, a null or a
 * whole column left out (missing features), an early-stopped booster's best iteration, and a
 * booster that saw absent features as 0.
 */
class CompiledBoosterTest {

    @RegisterExtension
    static final HouseData data = new HouseData();

    private final Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** The test rows with an unseen level, a null and a column left out. */
    private static Map<String, List<Object>> awkwardColumns() {
        Map<String, List<Object>> columns = new LinkedHashMap<>(data.testColumns());
        columns.put("Neighborhood", new ArrayList<>(data.testColumns().get("Neighborhood")));
        columns.get("Neighborhood").set(0, "Atlantis");
        columns.put("LotArea", new ArrayList<>(data.testColumns().get("LotArea")));
        columns.get("LotArea").set(1, null);
        columns.get("LotArea").set(2, null);
        columns.remove("GrLivArea");
        return columns;
    }

    @ParameterizedTest
    @ValueSource(strings = {"forest", "boosted"})
    void walksTheTreesAsXGBoostPredicts(String algorithm) {
        Member m = train(Fixtures.job("m", algorithm));
        assertThat(m.boosted()).as("compiled").isNotNull();

        for (Map<String, List<Object>> columns : List.of(data.testColumns(), awkwardColumns())) {
            assertSame(m, columns);
        }
    }

    @Test
    void anEarlyStoppedBoosterWalksTheTreesUpToItsBestIteration() throws Exception {
        Map<String, Object> params = Map.of("trees", 400, "maxDepth", 3, "learningRate", 0.5,
                "earlyStoppingRounds", 3);
        Member m = train(Fixtures.job("m", 1_000, "boosted", params, 7, "shard", false));
        Booster booster = ((BoostedRegression) m.model()).booster();
        int best = Integer.parseInt(booster.getAttr(BoostedRegression.BEST_ITERATION));
        assertThat(best).as("stopped early").isLessThan(booster.getNumBoostedRound() - 1);
        assertThat(m.boosted().trees()).isEqualTo(best + 1);

        assertSame(m, awkwardColumns());
    }

    @Test
    void aBoosterThatSawAbsentFeaturesAsZeroIsWalkedWithZeros() throws Exception {
        Member trained = train(Fixtures.job("m", "boosted"));
        Booster copy = XGBoost.loadModel(((BoostedRegression) trained.model()).booster().toByteArray("ubj"));
        copy.setAttr(BoostedRegression.ABSENT, "zero");
        Member m = new Member(new BoostedRegression(copy, trained.encoding().featureNames()), trained.encoding(),
                trained.info(), trained.clip());

        assertSame(m, awkwardColumns());
        assertThat(m.predict(awkwardColumns(), Fixtures.TEST_ROWS))
                .as("0 and missing take other branches somewhere")
                .isNotEqualTo(trained.predict(awkwardColumns(), Fixtures.TEST_ROWS));
    }

    @Test
    void aModelItCannotReproduceKeepsXGBoostsPath() {
        byte[] json = "{\"learner\":{\"objective\":{\"name\":\"reg:pseudohubererror\"}}}".getBytes();
        assertThat(CompiledBooster.of(json, List.of("a"), new int[] {0, 0}, Float.NaN)).isNull();
    }

    private static void assertSame(Member m, Map<String, List<Object>> columns) {
        double[] walked = m.predict(columns, Fixtures.TEST_ROWS);
        double[] xgboost = m.predictEncoded(m.encoding().encodeColumns(columns, Fixtures.TEST_ROWS));
        assertThat(walked).hasSize(xgboost.length);
        for (int i = 0; i < walked.length; i++) {
            // both sum float leaves in the same order: equal up to the float's last bit
            assertThat(walked[i]).as("row %d", i).isCloseTo(xgboost[i],
                    org.assertj.core.data.Offset.offset(Math.ulp((float) xgboost[i]) * 2.0));
        }
    }

    private Member train(FitJob job) {
        return new MemberTrainer(clock).train(job, "learner-a", "A", data.shardA(), (phase, pct) -> { });
    }
}
