package org.mlensemble.common.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlgorithmTest {

    @Test
    void fillsEveryDefaultInDeclaredOrder() {
        Map<String, Object> linear = Algorithm.LINEAR.resolve(null);

        assertThat(linear).containsExactly(entry("epochs", 10), entry("learningRate", 0.05), entry("l2", 0.0),
            entry("loss", "squared"), entry("solver", "auto"));
        assertThat(Algorithm.TREE.resolve(Map.of())).containsExactly(entry("maxDepth", 6), entry("minLeafSize", 5));
    }

    @Test
    void keepsGivenValuesAndFillsTheRestInOrder() {
        Map<String, Object> given = new HashMap<>();
        given.put("featureFraction", 0.25);
        given.put("trees", 5);

        assertThat(Algorithm.FOREST.resolve(given)).containsExactly(entry("trees", 5), entry("maxDepth", 12),
            entry("featureFraction", 0.25), entry("minLeafSize", 2), entry("rowFraction", 0.8),
            entry("maxBins", 64));
    }

    @Test
    void nullValueMeansTheDefault() {
        Map<String, Object> given = new HashMap<>();
        given.put("trees", null);

        assertThat(Algorithm.FOREST.resolve(given)).containsEntry("trees", 25);
    }

    @Test
    void integerParameterAcceptsAWholeDoubleAsAnInteger() {
        assertThat(Algorithm.FOREST.resolve(Map.of("trees", 5.0)).get("trees")).isEqualTo(5).isInstanceOf(Integer.class);
        assertThat(Algorithm.LINEAR.resolve(Map.of("learningRate", 1)).get("learningRate")).isEqualTo(1.0);
    }

    @Test
    void boundsAreInclusive() {
        assertThat(Algorithm.FOREST.resolve(Map.of("trees", 1))).containsEntry("trees", 1);
        assertThat(Algorithm.FOREST.resolve(Map.of("trees", 500))).containsEntry("trees", 500);
        assertThat(Algorithm.LINEAR.resolve(Map.of("l2", 0))).containsEntry("l2", 0.0);
    }

    @Test
    void unknownAlgorithmIsRefusedListingTheValidOnes() {
        InvalidParamsException e = assertThrows(InvalidParamsException.class, () -> Algorithm.fromWire("svm"));

        assertThat(e).hasMessageContaining("'svm'").hasMessageContaining("linear, tree, forest, boosted");
    }

    @Test
    void wireNamesAreExact() {
        assertThat(Algorithm.fromWire("forest")).isEqualTo(Algorithm.FOREST);
        assertThat(Algorithm.fromWire("tree")).isEqualTo(Algorithm.TREE);
        assertThrows(InvalidParamsException.class, () -> Algorithm.fromWire("FOREST"));
    }

    @Test
    void nullOrBlankAlgorithmIsLinear() {
        assertThat(Algorithm.fromWire(null)).isEqualTo(Algorithm.LINEAR);
        assertThat(Algorithm.fromWire("")).isEqualTo(Algorithm.LINEAR);
        assertThat(Algorithm.fromWire("  ")).isEqualTo(Algorithm.LINEAR);
    }

    @Test
    void unknownParameterIsRefusedListingTheValidOnes() {
        InvalidParamsException e = assertThrows(InvalidParamsException.class,
            () -> Algorithm.TREE.resolve(Map.of("trees", 5)));

        assertThat(e).hasMessageContaining("'trees'").hasMessageContaining("tree")
            .hasMessageContaining("maxDepth (integer 1..64, default 6)")
            .hasMessageContaining("minLeafSize");
    }

    @Test
    void outOfRangeValuesAreRefused() {
        List<Map<String, Object>> bad = List.of(
            Map.of("trees", 0), Map.of("trees", 501), Map.of("maxDepth", 65),
            Map.of("featureFraction", 1.0), Map.of("featureFraction", 0.01));
        for (Map<String, Object> params : bad) {
            InvalidParamsException e = assertThrows(InvalidParamsException.class,
                () -> Algorithm.FOREST.resolve(params), params::toString);
            assertThat(e).hasMessageContaining(params.keySet().iterator().next()).hasMessageContaining("between");
        }
        assertThrows(InvalidParamsException.class, () -> Algorithm.LINEAR.resolve(Map.of("learningRate", 0)));
        assertThrows(InvalidParamsException.class, () -> Algorithm.LINEAR.resolve(Map.of("l2", -0.1)));
    }

    @Test
    void hugeIntegerIsRefusedRatherThanWrapped() {
        assertThrows(InvalidParamsException.class, () -> Algorithm.FOREST.resolve(Map.of("trees", 4_294_967_301L)));
    }

    @Test
    void wrongTypesAreRefused() {
        assertThat(assertThrows(InvalidParamsException.class, () -> Algorithm.FOREST.resolve(Map.of("trees", "5"))))
            .hasMessageContaining("integer");
        assertThrows(InvalidParamsException.class, () -> Algorithm.FOREST.resolve(Map.of("trees", 2.5)));
        assertThrows(InvalidParamsException.class, () -> Algorithm.FOREST.resolve(Map.of("trees", true)));
        assertThat(assertThrows(InvalidParamsException.class,
            () -> Algorithm.LINEAR.resolve(Map.of("learningRate", "0.1")))).hasMessageContaining("finite number");
        assertThrows(InvalidParamsException.class, () -> Algorithm.LINEAR.resolve(Map.of("learningRate", Double.NaN)));
        assertThat(assertThrows(InvalidParamsException.class, () -> Algorithm.LINEAR.resolve(Map.of("loss", "abs"))))
            .hasMessageContaining("[squared, huber]");
        assertThrows(InvalidParamsException.class, () -> Algorithm.LINEAR.resolve(Map.of("loss", 1)));
    }

    @Test
    void boostedResolvesEveryParameterWithItsDefault() {
        assertThat(Algorithm.fromWire("boosted").resolve(Map.of("trees", 50))).containsExactly(entry("trees", 50),
            entry("maxDepth", 4), entry("learningRate", 0.05), entry("subsample", 0.8), entry("colsampleByTree", 0.8),
            entry("minChildWeight", 1.0), entry("lambda", 1.0), entry("earlyStoppingRounds", 0));
    }

    @Test
    void boostedRefusesValuesOutsideTheirBoundsNamingThem() {
        assertThat(assertThrows(InvalidParamsException.class,
            () -> Algorithm.BOOSTED.resolve(Map.of("learningRate", 0)))).hasMessage(
                "learningRate must be between 0.001 and 1.0, got 0.0");
        assertThat(assertThrows(InvalidParamsException.class, () -> Algorithm.BOOSTED.resolve(Map.of("maxDepth", 17))))
            .hasMessage("maxDepth must be between 1 and 16, got 17");
        assertThrows(InvalidParamsException.class, () -> Algorithm.BOOSTED.resolve(Map.of("subsample", 1.01)));
        assertThrows(InvalidParamsException.class, () -> Algorithm.BOOSTED.resolve(Map.of("trees", 5001)));
        assertThat(Algorithm.BOOSTED.resolve(Map.of("subsample", 1, "lambda", 0))).containsEntry("subsample", 1.0)
            .containsEntry("lambda", 0.0);
    }

    @Test
    void linearSolverIsOneOfItsChoicesAndNotContradicted() {
        InvalidParamsException bad = assertThrows(InvalidParamsException.class,
            () -> Algorithm.LINEAR.resolve(Map.of("solver", "qr")));
        assertThat(bad.getMessage()).contains("solver must be one of [auto, sgd, exact]");

        InvalidParamsException huber = assertThrows(InvalidParamsException.class,
            () -> Algorithm.LINEAR.resolve(Map.of("solver", "exact", "loss", "huber")));
        assertThat(huber.getMessage()).contains("squared loss");

        InvalidParamsException l2 = assertThrows(InvalidParamsException.class,
            () -> Algorithm.LINEAR.resolve(Map.of("solver", "exact", "l2", 0.5)));
        assertThat(l2.getMessage()).contains("l2 applies to solver sgd only");

        assertThat(Algorithm.LINEAR.resolve(Map.of("solver", "sgd", "loss", "huber", "l2", 0.5)))
            .containsEntry("solver", "sgd");
        assertThat(Algorithm.LINEAR.resolve(Map.of("loss", "huber"))).containsEntry("solver", "auto");
    }

    @Test
    void autoSolvesExactlyOnlyWithEnoughRowsPerFeatureAndASquaredLoss() {
        Map<String, Object> auto = Algorithm.LINEAR.resolve(Map.of());
        int perFeature = LinearSolver.AUTO_MIN_ROWS_PER_FEATURE;

        assertThat(LinearSolver.exact(auto, 300 * perFeature, 300)).isTrue();
        assertThat(LinearSolver.exact(auto, 300 * perFeature - 1, 300)).isFalse();
        assertThat(LinearSolver.exact(Algorithm.LINEAR.resolve(Map.of("loss", "huber")), 1_000_000, 300)).isFalse();
        assertThat(LinearSolver.exact(Algorithm.LINEAR.resolve(Map.of("l2", 0.1)), 1_000_000, 300)).isFalse();
        assertThat(LinearSolver.exact(auto, 100_000_000, LinearSolver.EXACT_MAX_FEATURES + 1)).isFalse();
        assertThat(LinearSolver.exact(Algorithm.LINEAR.resolve(Map.of("solver", "sgd")), 1_000_000, 300)).isFalse();

        Map<String, Object> exact = Algorithm.LINEAR.resolve(Map.of("solver", "exact"));
        assertThat(LinearSolver.exact(exact, 10, 300)).isTrue();
        InvalidParamsException wide = assertThrows(InvalidParamsException.class,
            () -> LinearSolver.exact(exact, 1_000_000, LinearSolver.EXACT_MAX_FEATURES + 1));
        assertThat(wide.getMessage()).contains("use solver sgd");
    }
}
