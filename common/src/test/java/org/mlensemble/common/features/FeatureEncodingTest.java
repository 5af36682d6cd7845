package org.mlensemble.common.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.features.FeatureEncoding.CategoricalColumn;
import org.mlensemble.common.features.FeatureEncoding.EncodedTable;
import org.mlensemble.common.features.FeatureEncoding.NumericColumn;
import org.mlensemble.common.features.FeatureEncoding.TargetScaling;
import org.mlensemble.common.table.Table;

class FeatureEncodingTest {

    private static final EncodingOptions LINEAR = options(true, 0, false, false);
    private static final EncodingOptions PLAIN = options(false, 0, false, false);

    // ---------------------------------------------------------------- type inference

    @Test
    void infersNumericOnlyWhenEveryValueIsAFiniteNumber() {
        Table t = table("y,num,sci,txt,allna,nan,inf",
            "1,1.5,1e3,a,NA,NaN,Infinity",
            "2,-2,2.5E-1,3,,1,2",
            "3,+4,7,b,NA,2,-Infinity");

        FeatureEncoding e = FeatureEncoding.fit(t, "y", PLAIN);

        assertThat(e.numeric()).extracting(NumericColumn::name).containsExactly("num", "sci");
        assertThat(e.categorical()).extracting(CategoricalColumn::name)
            .containsExactly("txt", "allna", "nan", "inf");
    }

    @Test
    void columnTypesOverrideInference() {
        Table t = table("y,code,n", "1,60,1", "2,20,2", "3,60,3");
        var options = new EncodingOptions(false, 0, false, false, Map.of("code", ColumnType.CATEGORICAL), Set.of());

        FeatureEncoding e = FeatureEncoding.fit(t, "y", options);

        assertThat(e.categorical()).extracting(CategoricalColumn::name).containsExactly("code");
        assertThat(e.categorical().get(0).levels()).containsExactly("20", "60");
        assertThat(e.numeric()).extracting(NumericColumn::name).containsExactly("n");
    }

    @Test
    void columnTypesNamingAnUnknownColumnAreRefused() {
        var options = new EncodingOptions(false, 0, false, false, Map.of("nope", ColumnType.NUMERIC), Set.of());

        DataException e = assertThrows(DataException.class,
            () -> FeatureEncoding.fit(table("y,x", "1,2"), "y", options));

        assertThat(e).hasMessageContaining("nope");
    }

    @Test
    void forcingTextToNumericIsRefused() {
        var options = new EncodingOptions(false, 0, false, false, Map.of("c", ColumnType.NUMERIC), Set.of());

        DataException e = assertThrows(DataException.class,
            () -> FeatureEncoding.fit(table("y,c", "1,red", "2,3"), "y", options));

        assertThat(e).hasMessageContaining("'c'").hasMessageContaining("red");
    }

    @Test
    void columnTypeFromWireIsCaseInsensitiveAndRefusesOthers() {
        assertThat(ColumnType.fromWire("Numeric")).isEqualTo(ColumnType.NUMERIC);
        assertThat(ColumnType.fromWire("categorical")).isEqualTo(ColumnType.CATEGORICAL);
        assertThat(assertThrows(DataException.class, () -> ColumnType.fromWire("text"))).hasMessageContaining("text");
    }

    // ---------------------------------------------------------------- categorical

    @Test
    void categoricalColumnsAreOneHotNamedColumnEqualsValue() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,c", "1,red", "2,blue", "3,red"), "y", PLAIN);

        EncodedTable enc = e.encodeTable(table("y,c", "1,red", "2,blue", "3,red"));

        assertThat(features(enc.rows().get(0))).containsEntry("c=red", 1.0).doesNotContainKey("c=blue")
            .containsEntry(FeatureEncoding.BIAS, 1.0);
        assertThat(features(enc.rows().get(1))).containsEntry("c=blue", 1.0).doesNotContainKey("c=red");
    }

    @Test
    void missingCategoricalValueIsItsOwnLevelNA() {
        Table t = table("y,c", "1,red", "2,", "3,NA");
        FeatureEncoding e = FeatureEncoding.fit(t, "y", PLAIN);

        assertThat(e.categorical().get(0).levels()).containsExactly("NA", "red");
        EncodedTable enc = e.encodeTable(t);
        assertThat(features(enc.rows().get(1))).containsEntry("c=NA", 1.0);
        assertThat(features(enc.rows().get(2))).containsEntry("c=NA", 1.0);
        List<EncodedRow> predicted = e.encodeColumns(Map.of("c", Arrays.asList(null, "NA")), 2);
        assertThat(features(predicted.get(0))).containsEntry("c=NA", 1.0);
        assertThat(features(predicted.get(1))).containsEntry("c=NA", 1.0);
    }

    @Test
    void unseenCategoryAtPredictEncodesAsAFeatureTheModelNeverSaw() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,c", "1,red", "2,blue"), "y", PLAIN);

        List<EncodedRow> rows = e.encodeColumns(Map.of("c", List.of("green")), 1);

        assertThat(features(rows.get(0))).containsOnlyKeys("c=green", FeatureEncoding.BIAS);
        assertThat(e.categorical().get(0).levels()).doesNotContain("green");
    }

    @Test
    void numbersAndBooleansForACategoricalColumnMatchTheirTextLevels() {
        var options = new EncodingOptions(false, 0, false, false, Map.of("code", ColumnType.CATEGORICAL), Set.of());
        FeatureEncoding e = FeatureEncoding.fit(table("y,code", "1,60", "2,20"), "y", options);

        List<EncodedRow> rows = e.encodeColumns(Map.of("code", List.of(60, 20L, 60.0, 2.5, true)), 5);

        assertThat(rows).extracting(r -> r.names()[0])
            .containsExactly("code=60", "code=20", "code=60", "code=2.5", "code=true");
    }

    @Test
    void rowsShareOneNameStringPerColumnAndLevel() {
        Table t = table("y,x,c", "1,1,red", "2,NA,blue", "3,5,red", "4,,NA", "5,2,");
        FeatureEncoding e = FeatureEncoding.fit(t, "y", options(false, 0, true, false));

        List<EncodedRow> rows = e.encodeTable(t).rows();

        assertThat(rows).extracting(r -> List.of(r.names())).containsExactly(
            List.of("x", "c=red", FeatureEncoding.BIAS),
            List.of("x", "x@missing", "c=blue", FeatureEncoding.BIAS),
            List.of("x", "c=red", FeatureEncoding.BIAS),
            List.of("x", "x@missing", "c=NA", FeatureEncoding.BIAS),
            List.of("x", "c=NA", FeatureEncoding.BIAS));
        assertThat(rows.get(2).names()[1]).isSameAs(rows.get(0).names()[1]);
        assertThat(rows.get(3).names()[1]).isSameAs(rows.get(1).names()[1]);
        assertThat(rows.get(4).names()[1]).isSameAs(rows.get(3).names()[2]);
    }

    @Test
    void predictedRowsShareNamesAndNameUnseenLevelsAsBefore() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,c", "1,red", "2,blue"), "y", PLAIN);

        List<EncodedRow> rows = e.encodeColumns(
            Map.of("c", Arrays.asList("red", new String("red"), "green", "green", null)), 5);

        assertThat(rows).extracting(r -> r.names()[0]).containsExactly("c=red", "c=red", "c=green", "c=green", "c=NA");
        assertThat(rows.get(1).names()[0]).isSameAs(rows.get(0).names()[0]);
        assertThat(e.categorical().get(0).levels()).containsExactly("blue", "red");
    }

    // ---------------------------------------------------------------- numeric

    @Test
    void missingNumericAtPredictIsImputedWithTheShardMean() {
        // x = 1, 2, 6: mean 3
        FeatureEncoding e = FeatureEncoding.fit(table("y,x,c", "1,1,a", "2,2,b", "3,6,a"), "y", LINEAR);
        double std = Math.sqrt(14.0 / 3);

        List<EncodedRow> rows = e.encodeColumns(Map.of("x", Arrays.asList(null, "NA", "", 6, "6")), 5);
        List<EncodedRow> withoutColumn = e.encodeColumns(Map.of("c", List.of("a")), 1);

        assertThat(rows).extracting(r -> features(r).get("x")).containsExactly(0.0, 0.0, 0.0, 3 / std, 3 / std);
        assertThat(features(withoutColumn.get(0))).containsEntry("x", 0.0);
    }

    @Test
    void missingIndicatorMarksImputedValuesWhenTheShardHadMissingValues() {
        var options = options(true, 0, true, false);
        FeatureEncoding e = FeatureEncoding.fit(table("y,x", "1,1", "2,NA", "3,5"), "y", options);

        List<EncodedRow> rows = e.encodeColumns(Map.of("x", Arrays.asList(null, 5)), 2);

        assertThat(features(rows.get(0))).containsEntry("x", 0.0).containsEntry("x@missing", 1.0);
        assertThat(features(rows.get(1))).doesNotContainKey("x@missing");
        assertThat(e.featureCount()).isEqualTo(3);
    }

    @Test
    void withoutStandardisationNumbersPassThrough() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,x", "1,1", "2,3"), "y", PLAIN);

        assertThat(features(e.encodeColumns(Map.of("x", List.of(10.5)), 1).get(0))).containsEntry("x", 10.5);
    }

    @Test
    void columnConstantOnTheShardIsDropped() {
        Table t = table("y,k,x", "1,5,1", "2,5,2", "3,5,4");
        FeatureEncoding e = FeatureEncoding.fit(t, "y", LINEAR);

        assertThat(e.featureColumns()).contains("k");
        assertThat(e.encodeTable(t).rows()).allSatisfy(r -> assertThat(r.names()).doesNotContain("k").contains("x"));
        assertThat(e.encodeColumns(Map.of("k", List.of(7)), 1).get(0).names()).doesNotContain("k");
        assertThat(e.featureCount()).isEqualTo(2);
    }

    @Test
    void unknownColumnAtPredictIsRefusedByName() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,x", "1,1", "2,2"), "y", LINEAR);

        DataException ex = assertThrows(DataException.class,
            () -> e.encodeColumns(Map.of("x", List.of(1), "colour", List.of("red")), 1));

        assertThat(ex).hasMessageContaining("[colour]").hasMessageContaining("[x]");
    }

    @Test
    void targetAndIgnoredColumnsAreAcceptedAtPredictAndNotUsed() {
        var options = new EncodingOptions(true, 0, false, false, Map.of(), Set.of("Id"));
        FeatureEncoding e = FeatureEncoding.fit(table("Id,y,x", "1,10,1", "2,20,2"), "y", options);

        assertThat(e.ignored()).containsExactly("Id");
        List<EncodedRow> rows = e.encodeColumns(
            Map.of("Id", List.of(99), "y", List.of(12345), "x", List.of(1)), 1);

        assertThat(rows.get(0).names()).containsExactly("x", FeatureEncoding.BIAS);
    }

    @Test
    void nonNumericTextForANumericColumnIsRefused() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,x", "1,1", "2,2"), "y", LINEAR);

        assertThat(assertThrows(DataException.class, () -> e.encodeColumns(Map.of("x", List.of("abc")), 1)))
            .hasMessageContaining("'x'").hasMessageContaining("abc");
        assertThrows(DataException.class, () -> e.encodeColumns(Map.of("x", List.of(true)), 1));
    }

    @Test
    void nonFiniteNumberIsRefused() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,x", "1,1", "2,2"), "y", LINEAR);

        for (Object bad : List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, "NaN", "Infinity")) {
            assertThat(assertThrows(DataException.class, () -> e.encodeColumns(Map.of("x", List.of(bad)), 1)))
                .as(String.valueOf(bad)).hasMessageContaining("'x'");
        }
    }

    // ---------------------------------------------------------------- target

    @Test
    void unknownTargetIsRefusedByName() {
        DataException e = assertThrows(DataException.class,
            () -> FeatureEncoding.fit(table("y,x", "1,1"), "price", LINEAR));

        assertThat(e).hasMessageContaining("price");
    }

    @Test
    void nonNumericTargetIsRefusedWithItsRow() {
        DataException e = assertThrows(DataException.class,
            () -> FeatureEncoding.fit(table("y,x", "1,1", "cheap,2", "3,3"), "y", LINEAR));

        assertThat(e).hasMessageContaining("row 3").hasMessageContaining("cheap");
    }

    @Test
    void shardWithoutLabelledRowsIsRefused() {
        DataException e = assertThrows(DataException.class,
            () -> FeatureEncoding.fit(table("y,x", "NA,1", ",2"), "y", LINEAR));

        assertThat(e).hasMessageContaining("no rows");
    }

    @Test
    void unlabelledRowsAreDroppedFromTraining() {
        Table t = table("y,x", "1,1", "NA,2", "3,3");
        EncodedTable enc = FeatureEncoding.fit(t, "y", PLAIN).encodeTable(t);

        assertThat(enc.rows()).hasSize(2);
        assertThat(enc.rawTarget()).containsExactly(1, 3);
        assertThat(enc.droppedRows()).isEqualTo(1);
    }

    @Test
    void logTargetRoundTripsThroughInverse() {
        Table t = table("y,x", "100,1", "1000,2", "250000,3", "0,4");
        FeatureEncoding e = FeatureEncoding.fit(t, "y", options(true, 0, false, true));

        EncodedTable enc = e.encodeTable(t);

        for (int i = 0; i < enc.target().length; i++) {
            assertThat(e.targetScaling().inverse(enc.target()[i], false))
                .isCloseTo(enc.rawTarget()[i], within(1e-6 * (1 + enc.rawTarget()[i])));
        }
        assertThat(e.targetScaling().log()).isTrue();
    }

    @Test
    void logTargetLearnsLog1pOfTheTarget() {
        Table t = table("y,x", "0,1", "99,2");
        EncodedTable enc = FeatureEncoding.fit(t, "y", options(false, 0, false, true)).encodeTable(t);

        assertThat(enc.target()).containsExactly(new double[] {0, Math.log(100)}, within(1e-12));
    }

    @Test
    void logTargetRefusesTargetsAtOrBelowMinusOne() {
        DataException e = assertThrows(DataException.class,
            () -> FeatureEncoding.fit(table("y,x", "-1,1", "2,2"), "y", options(true, 0, false, true)));

        assertThat(e).hasMessageContaining("logTarget");
    }

    @Test
    void standardisedTargetHasMeanZeroAndUnitSpread() {
        Table t = table("y,x", "10,1", "20,2", "30,3");
        EncodedTable enc = FeatureEncoding.fit(t, "y", LINEAR).encodeTable(t);

        double s = Math.sqrt(200.0 / 3);
        assertThat(enc.target()).containsExactly(new double[] {-10 / s, 0, 10 / s}, within(1e-12));
    }

    @Test
    void predictionsAreClippedToTheShardTargetRangeWhenAsked() {
        FeatureEncoding e = FeatureEncoding.fit(table("y,x", "10,1", "20,2", "30,3"), "y", LINEAR);
        TargetScaling s = e.targetScaling();

        assertThat(s.min()).isEqualTo(10);
        assertThat(s.max()).isEqualTo(30);
        assertThat(s.inverse(100, true)).isEqualTo(30);
        assertThat(s.inverse(-100, true)).isEqualTo(10);
        assertThat(s.inverse(100, false)).isGreaterThan(30);
        assertThat(s.inverse(0, true)).isCloseTo(20, within(1e-9));
    }

    // ---------------------------------------------------------------- bins

    @Test
    void quantileBinsCapTenThousandDistinctValuesAt256Bins() {
        int n = 10_000;
        String[] rows = new String[n];
        for (int i = 0; i < n; i++) {
            // distinct values in a scrambled order
            long v = (i * 7919L) % n;
            rows[i] = i + "," + (v * 0.37);
        }
        Table t = table("y,x", rows);
        FeatureEncoding e = FeatureEncoding.fit(t, "y", options(false, 256, false, false));

        double[] edges = e.numeric().get(0).binEdges();
        assertThat(edges.length).isBetween(200, 256);
        for (int i = 1; i < edges.length; i++) {
            assertThat(edges[i]).isGreaterThan(edges[i - 1]);
        }
        List<Double> encoded = e.encodeTable(t).rows().stream().map(r -> features(r).get("x")).toList();
        assertThat(encoded).allSatisfy(x -> assertThat(x).isBetween(0.0, 256.0).isEqualTo(Math.rint(x)));
        assertThat(encoded.stream().distinct().count()).isGreaterThan(200);
    }

    @Test
    void binsPreserveOrder() {
        String[] rows = new String[1000];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i + "," + i;
        }
        Table t = table("y,x", rows);
        FeatureEncoding e = FeatureEncoding.fit(t, "y", options(false, 16, false, false));

        List<EncodedRow> enc = e.encodeTable(t).rows();
        for (int i = 1; i < enc.size(); i++) {
            assertThat(features(enc.get(i)).get("x")).isGreaterThanOrEqualTo(features(enc.get(i - 1)).get("x"));
        }
        assertThat(features(enc.get(0)).get("x")).isZero();
        assertThat(features(enc.get(999)).get("x")).isEqualTo(e.numeric().get(0).binEdges().length);
    }

    @Test
    void fewDistinctValuesGetOneBinEach() {
        Table t = table("y,x", "1,1", "2,2", "3,3", "4,2");
        FeatureEncoding e = FeatureEncoding.fit(t, "y", options(false, 256, false, false));

        assertThat(e.numeric().get(0).binEdges()).containsExactly(1.5, 2.5);
        assertThat(e.encodeTable(t).rows()).extracting(r -> features(r).get("x")).containsExactly(0.0, 1.0, 2.0, 1.0);
    }

    // ---------------------------------------------------------------- helpers

    private static EncodingOptions options(boolean standardize, int bins, boolean indicators, boolean logTarget) {
        return new EncodingOptions(standardize, bins, indicators, logTarget, Map.of(), Set.of());
    }

    private static Table table(String header, String... rows) {
        List<String[]> cells = new ArrayList<>();
        for (String r : rows) {
            cells.add(r.split(",", -1));
        }
        return new Table(List.of(header.split(",", -1)), cells);
    }

    private static Map<String, Double> features(EncodedRow row) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < row.names().length; i++) {
            m.put(row.names()[i], row.values()[i]);
        }
        return m;
    }
}
