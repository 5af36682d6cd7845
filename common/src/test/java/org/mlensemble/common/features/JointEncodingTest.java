package org.mlensemble.common.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.table.Table;

class JointEncodingTest {

    /** What the learners use for XGBoost: raw values, missing indicators. */
    private static final EncodingOptions XGBOOST = new EncodingOptions(false, 0, true, true, Map.of(),
            java.util.Set.of("id"));

    @Test
    void mergedEncodingEqualsTheEncodingOfTheUnion() {
        SplittableRandom random = new SplittableRandom(7);
        List<String[]> all = new ArrayList<>();
        String[] kinds = {"brick", "wood", "stone", "glass"};
        for (int i = 0; i < 300; i++) {
            String area = random.nextInt(10) == 0 ? "NA" : Double.toString(50 + random.nextDouble() * 200);
            // shard-dependent levels: "glass" only appears in the last third
            String kind = kinds[i < 200 ? random.nextInt(3) : random.nextInt(4)];
            String price = Double.toString(100_000 + random.nextDouble() * 300_000);
            all.add(new String[] {Integer.toString(i), area, kind, price});
        }
        List<String> header = List.of("id", "area", "kind", "price");
        Table union = new Table(header, all);
        List<JointEncoding.Part> parts = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Table shard = new Table(header, all.subList(s * 100, (s + 1) * 100));
            parts.add(new JointEncoding.Part("ABC".substring(s, s + 1), FeatureEncoding.fit(shard, "price", XGBOOST),
                    100));
        }

        FeatureEncoding merged = JointEncoding.merge(parts);
        FeatureEncoding expected = FeatureEncoding.fit(union, "price", XGBOOST);

        assertThat(merged.featureNames()).isEqualTo(expected.featureNames());
        assertThat(merged.categorical()).isEqualTo(expected.categorical());
        assertThat(merged.ignored()).isEqualTo(expected.ignored());
        var m = merged.numeric().get(0);
        var e = expected.numeric().get(0);
        assertThat(m.mean()).isCloseTo(e.mean(), within(1e-9));
        assertThat(m.std()).isCloseTo(e.std(), within(1e-9));
        assertThat(m.missing()).isEqualTo(e.missing());
        assertThat(merged.targetScaling()).isEqualTo(expected.targetScaling());
        // the shards alone disagree on the features, which is why they are merged
        assertThat(parts.get(0).encoding().featureNames()).isNotEqualTo(expected.featureNames());
    }

    @Test
    void aColumnMissingOnAWholeShardTakesItsTypeFromTheOthers() {
        Table a = table("x,y", "1,10", "3,20");
        Table b = table("x,y", "NA,30", ",40");

        FeatureEncoding merged = JointEncoding.merge(List.of(
                new JointEncoding.Part("A", FeatureEncoding.fit(a, "y", XGBOOST), 2),
                new JointEncoding.Part("B", FeatureEncoding.fit(b, "y", XGBOOST), 2)));

        assertThat(merged.categorical()).isEmpty();
        assertThat(merged.numeric()).singleElement().satisfies(x -> {
            assertThat(x.mean()).isEqualTo(2.0);
            assertThat(x.missing()).isEqualTo(2);
        });
        assertThat(merged.featureNames()).containsExactly("x", "x@missing", FeatureEncoding.BIAS);
    }

    @Test
    void aColumnNumericOnOneShardAndTextOnAnotherIsAClearError() {
        Table a = table("x,y", "1,10", "3,20");
        Table b = table("x,y", "big,30", "small,40");

        DataException e = assertThrows(DataException.class, () -> JointEncoding.merge(List.of(
                new JointEncoding.Part("A", FeatureEncoding.fit(a, "y", XGBOOST), 2),
                new JointEncoding.Part("B", FeatureEncoding.fit(b, "y", XGBOOST), 2))));

        assertThat(e.getMessage()).contains("'x'", "[B]", "columnTypes");
    }

    private static Table table(String header, String... rows) {
        List<String[]> cells = new ArrayList<>();
        for (String r : rows) {
            cells.add(r.split(",", -1));
        }
        return new Table(List.of(header.split(",", -1)), cells);
    }
}
