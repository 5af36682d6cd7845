package org.mlensemble.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.table.Columns;

class PredictJobCodecTest {

    private static Map<String, List<Object>> columns() {
        Map<String, List<Object>> c = new LinkedHashMap<>();
        c.put("LotArea", Arrays.asList(8450L, null, 11250L));
        c.put("LotFrontage", Arrays.asList(65.5, 80.0, null));
        c.put("Neighborhood", Arrays.asList("CollgCr", "Veenker", "CollgCr"));
        c.put("MSSubClass", Arrays.asList("60", 20L, null)); // text and a number in one column
        c.put("Huge", Arrays.asList(3e12, 1.0, -4.0));
        return c;
    }

    @Test
    void roundTripsEveryCellAsTheJsonBodyMeansIt() {
        PredictJob job = new PredictJob("m-1", columns(), 3);

        byte[] body = PredictJobCodec.encode(job);
        PredictJob back = PredictJobCodec.decode(body);

        assertThat(PredictJobCodec.isBinary(body)).isTrue();
        assertThat(back.modelId()).isEqualTo("m-1");
        assertThat(back.rows()).isEqualTo(3);
        assertThat(back.columns().keySet()).containsExactly("LotArea", "LotFrontage", "Neighborhood", "MSSubClass",
                "Huge");
        assertThat(back.columns().get("LotArea")).containsExactly(8450L, null, 11250L);
        assertThat(back.columns().get("LotFrontage")).containsExactly(65.5, 80L, null);
        assertThat(back.columns().get("Neighborhood")).containsExactly("CollgCr", "Veenker", "CollgCr");
        assertThat(back.columns().get("MSSubClass")).containsExactly("60", "20", null);
        assertThat(back.columns().get("Huge")).containsExactly(3_000_000_000_000L, 1L, -4L);
        assertThat(back.columns().get("LotArea")).isInstanceOf(Columns.Doubles.class);
        assertThat(back.columns().get("Neighborhood")).isInstanceOf(Columns.Coded.class);
        assertThat(((Columns.Coded) back.columns().get("Neighborhood")).dictionary()).containsExactly("CollgCr",
                "Veenker");
    }

    @Test
    void isSmallerThanJsonForTheSameRows() {
        Map<String, List<Object>> c = new LinkedHashMap<>();
        Object[] area = new Object[1000];
        Object[] hood = new Object[1000];
        for (int i = 0; i < 1000; i++) {
            area[i] = 8000L + i;
            hood[i] = i % 2 == 0 ? "CollgCr" : "Veenker";
        }
        c.put("LotArea", Arrays.asList(area));
        c.put("Neighborhood", Arrays.asList(hood));
        PredictJob job = new PredictJob("m-1", c, 1000);

        // 4 bytes per integer and per code, against 5-10 characters per cell in JSON
        assertThat(PredictJobCodec.encode(job).length).isLessThan(MessageCodec.encode(job).length * 2 / 3);
    }

    @Test
    void primitiveColumnsTravelAsTheyAre() {
        Map<String, List<Object>> c = new LinkedHashMap<>();
        c.put("LotArea", new Columns.Doubles(new double[] {8450, Double.NaN, 0.5}));
        c.put("Neighborhood", new Columns.Coded(new String[] {"CollgCr", "Veenker"}, new int[] {1, -1, 0}));

        PredictJob back = PredictJobCodec.decode(PredictJobCodec.encode(new PredictJob("m-1", c, 3)));

        assertThat(back.columns().get("LotArea")).containsExactly(8450L, null, 0.5);
        assertThat(back.columns().get("Neighborhood")).containsExactly("Veenker", null, "CollgCr");
    }

    @Test
    void stillReadsTheJsonBodyOfAnEarlierApi() {
        PredictJob job = new PredictJob("m-1", columns(), 3);

        PredictJob back = PredictJobCodec.decode(MessageCodec.encode(job));

        assertThat(back.columns().get("Neighborhood")).containsExactly("CollgCr", "Veenker", "CollgCr");
    }

    @Test
    void refusesABodyCutShortOrInconsistent() {
        byte[] body = PredictJobCodec.encode(new PredictJob("m-1", columns(), 3));

        assertThrows(MalformedMessageException.class,
                () -> PredictJobCodec.decode(Arrays.copyOf(body, body.length - 3)));
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertThrows(MalformedMessageException.class, () -> PredictJobCodec.decode(longer));
        PredictJob tampered = new PredictJob("m-1", Map.of("Neighborhood", Arrays.asList("a", "b")), 2);
        byte[] coded = PredictJobCodec.encode(tampered);
        coded[coded.length - 1] = 0x7f; // the last row's code, far outside the dictionary
        assertThrows(MalformedMessageException.class, () -> PredictJobCodec.decode(coded));
        assertThrows(MalformedMessageException.class, () -> PredictJobCodec.decode(new byte[] {0x31, 0x43, 0x4c, 0x4d}));
    }

    @Test
    void refusesNonFiniteNumbers() {
        Map<String, List<Object>> c = Map.of("LotArea", Arrays.asList(1.0, Double.POSITIVE_INFINITY));

        assertThrows(IllegalArgumentException.class, () -> PredictJobCodec.encode(new PredictJob("m", c, 2)));
    }
}
