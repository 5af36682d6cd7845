package org.mlensemble.datagen;

import static org.mlensemble.datagen.HouseModel.COLUMNS;
import static org.mlensemble.datagen.HouseModel.INDEX;
import static org.mlensemble.datagen.HouseModel.NULLABLE_NUMERIC;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The unlabelled predict example: one house in the column-major body that {@code POST /predict} takes,
 * every column but the target as a one-element array.
 */
final class PredictExample {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * Four-space object indent, arrays on one line, {@code "name": value}: the layout of the committed
     * example, which a fresh generation must reproduce byte for byte.
     */
    private static final DefaultPrettyPrinter LAYOUT = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance()
            .withObjectNameValueSpacing(Separators.Spacing.AFTER))
        .withObjectIndenter(new DefaultIndenter("    ", "\n"))
        .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance());

    private PredictExample() {
    }

    static void write(Path file, Object[] house) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, toJson(house), StandardCharsets.UTF_8);
    }

    static String toJson(Object[] house) {
        ObjectNode body = MAPPER.createObjectNode();
        int target = INDEX.get(HousePricingGenerator.TARGET);
        for (int i = 0; i < target; i++) {
            ArrayNode column = body.putArray(COLUMNS[i]);
            Object value = house[i];
            if (value == null) {
                column.addNull();
            } else if (value instanceof String text) {
                column.add(text);
            } else if (NULLABLE_NUMERIC.contains(COLUMNS[i])) {
                // a dataframe turns a numeric column with gaps into floats; the example keeps that shape
                column.add(((Number) value).doubleValue());
            } else {
                column.add(((Number) value).longValue());
            }
        }
        return MAPPER.writer().with(LAYOUT).writeValueAsString(body) + "\n";
    }
}
