package org.mlensemble.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HousePricingGeneratorTest {

    private static final List<String> FOLDERS = List.of("A", "B", "C", "D", "test");
    private static final Path COMMITTED = Path.of("../data/house_pricing");

    @TempDir
    Path dir;

    @Test
    void sameSeedWritesByteIdenticalFiles() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        HousePricingGenerator.generate(first, 7, 403, 101);
        HousePricingGenerator.generate(second, 7, 403, 101);

        assertSameFiles(first, second);
    }

    @Test
    void differentSeedsWriteDifferentRows() throws IOException {
        HousePricingGenerator.generate(dir.resolve("one"), 1, 50, 10);
        HousePricingGenerator.generate(dir.resolve("two"), 2, 50, 10);

        assertThat(Files.readString(dir.resolve("one/A/data.csv")))
            .isNotEqualTo(Files.readString(dir.resolve("two/A/data.csv")));
    }

    @Test
    void everyFileStartsWithTheAmesHeaderOf81Columns() throws IOException {
        HousePricingGenerator.generate(dir, 42, 40, 10);

        List<String> columns = HousePricingGenerator.columns();
        assertThat(columns).hasSize(81).startsWith("Id", "MSSubClass").endsWith("SaleCondition", "SalePrice")
            .doesNotHaveDuplicates();
        for (String folder : FOLDERS) {
            String header = Files.readAllLines(csv(dir, folder), StandardCharsets.UTF_8).get(0);
            assertThat(List.of(header.split(",", -1))).as(folder).isEqualTo(columns);
        }
    }

    @Test
    void trainingRowsAreCutIntoFourContiguousShardsWithConsecutiveIds() throws IOException {
        HousePricingGenerator.generate(dir, 42, 1003, 37);

        List<Integer> sizes = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (String folder : FOLDERS) {
            List<Map<String, String>> rows = read(csv(dir, folder));
            sizes.add(rows.size());
            rows.forEach(row -> ids.add(Integer.parseInt(row.get("Id"))));
        }

        assertThat(sizes).containsExactly(250, 251, 251, 251, 37);
        assertThat(ids).hasSize(1040);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(i + 1);
        }
    }

    @Test
    void everyRowHas81FieldsAndNoQuoting() throws IOException {
        HousePricingGenerator.generate(dir, 42, 400, 100);

        for (String folder : FOLDERS) {
            for (String line : Files.readAllLines(csv(dir, folder), StandardCharsets.UTF_8)) {
                assertThat(line.split(",", -1)).hasSize(81);
                assertThat(line).doesNotContain("\"");
            }
        }
    }

    @Test
    void categoricalColumnsHoldCodesAndTheRestHoldNumbersOrNa() throws IOException {
        HousePricingGenerator.generate(dir, 42, 400, 0);

        assertThat(HousePricingGenerator.categoricalColumns()).hasSize(43)
            .contains("MSZoning", "Neighborhood", "PoolQC", "SaleCondition")
            .doesNotContain("Id", "MSSubClass", "LotFrontage", "SalePrice");
        assertThat(HousePricingGenerator.columns()).containsAll(HousePricingGenerator.categoricalColumns());
        for (Map<String, String> row : training(dir)) {
            for (String column : HousePricingGenerator.columns()) {
                String value = row.get(column);
                if (HousePricingGenerator.categoricalColumns().contains(column)) {
                    assertThat(value).as(column).isNotEmpty().doesNotMatch("-?\\d+");
                } else {
                    assertThat(value).as(column).matches("\\d+|NA");
                }
            }
        }
    }

    @Test
    void housesWithoutGarageCarryNaInEveryGarageColumnAndNoSize() throws IOException {
        HousePricingGenerator.generate(dir, 42, 2000, 0);

        List<Map<String, String>> rows = training(dir);
        List<Map<String, String>> withoutGarage = rows.stream()
            .filter(row -> row.get("GarageType").equals("NA")).toList();

        assertThat(withoutGarage).isNotEmpty();
        for (Map<String, String> row : withoutGarage) {
            assertThat(row.get("GarageYrBlt")).isEqualTo("NA");
            assertThat(List.of(row.get("GarageFinish"), row.get("GarageQual"), row.get("GarageCond")))
                .containsOnly("NA");
            assertThat(row.get("GarageCars")).isEqualTo("0");
            assertThat(row.get("GarageArea")).isEqualTo("0");
        }
        for (Map<String, String> row : rows) {
            if (!row.get("GarageType").equals("NA")) {
                assertThat(row.get("GarageYrBlt")).isNotEqualTo("NA");
                assertThat(Integer.parseInt(row.get("GarageCars"))).isPositive();
            }
        }
    }

    @Test
    void missingBasementPoolAndFireplaceShowAsNaNextToZeroAreas() throws IOException {
        HousePricingGenerator.generate(dir, 42, 2000, 0);

        List<Map<String, String>> rows = training(dir);
        assertThat(rows).anyMatch(row -> row.get("BsmtQual").equals("NA"));
        for (Map<String, String> row : rows) {
            boolean noBasement = row.get("BsmtQual").equals("NA");
            assertThat(row.get("BsmtFinType1").equals("NA")).isEqualTo(noBasement);
            assertThat(row.get("TotalBsmtSF").equals("0")).isEqualTo(noBasement);
            assertThat(row.get("PoolQC").equals("NA")).isEqualTo(row.get("PoolArea").equals("0"));
            assertThat(row.get("FireplaceQu").equals("NA")).isEqualTo(row.get("Fireplaces").equals("0"));
            assertThat(row.get("MasVnrArea").equals("NA")).isEqualTo(row.get("MasVnrType").equals("NA"));
        }
        // Like the real data, "none" is the usual answer for these, not the exception.
        assertThat(rows.stream().filter(row -> row.get("Alley").equals("NA")).count()).isGreaterThan(1600);
        assertThat(rows.stream().filter(row -> row.get("MiscFeature").equals("NA")).count()).isGreaterThan(1800);
        assertThat(rows).anyMatch(row -> row.get("LotFrontage").equals("NA"));
    }

    @Test
    void floorAndBasementAreasAddUpAndDatesStayInRange() throws IOException {
        HousePricingGenerator.generate(dir, 42, 2000, 0);

        for (Map<String, String> row : training(dir)) {
            assertThat(number(row, "GrLivArea"))
                .isEqualTo(number(row, "1stFlrSF") + number(row, "2ndFlrSF") + number(row, "LowQualFinSF"));
            assertThat(number(row, "TotalBsmtSF"))
                .isEqualTo(number(row, "BsmtFinSF1") + number(row, "BsmtFinSF2") + number(row, "BsmtUnfSF"));
            assertThat(number(row, "YrSold")).isBetween(2006.0, 2010.0);
            assertThat(number(row, "MoSold")).isBetween(1.0, 12.0);
            assertThat(number(row, "YearBuilt")).isLessThanOrEqualTo(number(row, "YrSold"));
        }
    }

    @Test
    void predictExampleMapsEveryColumnButSalePriceToOneValue() throws IOException {
        HousePricingGenerator.generate(dir, 42, 100, 20);

        String json = Files.readString(dir.resolve("other/one_prediction_house_pricing_test.json"));
        Matcher entry = Pattern.compile("\"([^\"]+)\": \\[([^\\],]*)\\]").matcher(json);
        Map<String, String> values = new LinkedHashMap<>();
        while (entry.find()) {
            values.put(entry.group(1), entry.group(2));
        }

        List<String> expected = new ArrayList<>(HousePricingGenerator.columns());
        expected.remove("SalePrice");
        assertThat(values.keySet()).containsExactlyElementsOf(expected);
        assertThat(json.trim()).startsWith("{").endsWith("}");
        assertThat(values.get("Id")).isEqualTo("121");
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (HousePricingGenerator.categoricalColumns().contains(e.getKey())) {
                assertThat(e.getValue()).as(e.getKey()).matches("\"[^\"]+\"|null");
            } else {
                assertThat(e.getValue()).as(e.getKey()).matches("\\d+(\\.0)?|null");
            }
        }
    }

    @Test
    void salePriceRisesWithOverallQualityAndLivingArea() throws IOException {
        HousePricingGenerator.generate(dir, 42, 2000, 0);

        List<Map<String, String>> rows = training(dir);
        double[] price = column(rows, "SalePrice");

        assertThat(pearson(column(rows, "OverallQual"), price)).isGreaterThan(0.5);
        assertThat(pearson(column(rows, "GrLivArea"), price)).isGreaterThan(0.5);
    }

    @Test
    void committedDatasetEqualsAFreshGenerationWithTheDefaults() throws IOException {
        assumeTrue(Files.isDirectory(COMMITTED), () -> "no committed dataset at " + COMMITTED.toAbsolutePath());

        HousePricingGenerator.generate(dir, HousePricingGenerator.DEFAULT_SEED,
            HousePricingGenerator.DEFAULT_TRAIN_ROWS, HousePricingGenerator.DEFAULT_TEST_ROWS);

        assertSameFiles(dir, COMMITTED);
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : FOLDERS) {
            files.add(Path.of(folder, "data.csv"));
        }
        files.add(Path.of("other", "one_prediction_house_pricing_test.json"));
        for (Path file : files) {
            assertThat(actual.resolve(file)).as(file.toString()).exists();
            assertThat(Files.mismatch(expected.resolve(file), actual.resolve(file))).as(file.toString())
                .isEqualTo(-1L);
        }
    }

    private static Path csv(Path root, String folder) {
        return root.resolve(folder).resolve("data.csv");
    }

    private static List<Map<String, String>> training(Path root) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String shard : HousePricingGenerator.SHARDS) {
            rows.addAll(read(csv(root, shard)));
        }
        return rows;
    }

    private static List<Map<String, String>> read(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            String[] header = all.get(0).split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : all.subList(1, all.size())) {
                String[] fields = line.split(",", -1);
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], fields[i]);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static double number(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    private static double[] column(List<Map<String, String>> rows, String column) {
        return rows.stream().mapToDouble(row -> number(row, column)).toArray();
    }

    private static double pearson(double[] x, double[] y) {
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < x.length; i++) {
            meanX += x[i] / x.length;
            meanY += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
            syy += (y[i] - meanY) * (y[i] - meanY);
        }
        return sxy / StrictMath.sqrt(sxx * syy);
    }
}
