package org.mlensemble.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    @Test
    void fitJobRoundTrips() {
        FitJob job = new FitJob("m-1", 1_700_000_000_123L, "house_pricing", "SalePrice", "forest",
            Map.of("trees", 5, "featureFraction", 0.25), 42L, "bootstrap", true, true,
            Map.of("MSSubClass", "categorical"), List.of("Id"));

        FitJob back = roundTrip(job, FitJob.class);

        assertThat(back).isEqualTo(job);
        assertThat(back.params().get("trees")).isInstanceOf(Integer.class);
    }

    @Test
    void predictJobRoundTripsWithNullsInAColumn() {
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        columns.put("GrLivArea", Arrays.asList(1500, null, 2200.5));
        columns.put("Neighborhood", Arrays.asList("NAmes", "CollgCr", null));
        PredictJob job = new PredictJob("m-1", columns, 3);

        PredictJob back = roundTrip(job, PredictJob.class);

        assertThat(back).isEqualTo(job);
        assertThat(back.columns().get("GrLivArea")).containsExactly(1500, null, 2200.5);
        assertThat(back.columns().get("Neighborhood")).containsExactly("NAmes", "CollgCr", null);
    }

    @Test
    void jobReplyRoundTripsArraysAndNaNHoldoutError() {
        MemberInfo info = new MemberInfo("m-1", "learner-a", "A", "house_pricing", "SalePrice", "linear",
            Map.of("epochs", 10, "loss", "squared"), 7L, "shard", 1000L, 2000L, 500, 120, 33L, Double.NaN,
            Map.of("tribuoVersion", "4.3.2"));
        JobReply reply = new JobReply("learner-a", "A", JobType.EVALUATE, "m-1", ReplyStatus.OK, null,
            new double[] {1.5, -2.25, 1e300}, new double[] {1, 2, 3}, info, 17L);

        JobReply back = roundTrip(reply, JobReply.class);

        assertThat(back.predictions()).containsExactly(1.5, -2.25, 1e300);
        assertThat(back.actuals()).containsExactly(1, 2, 3);
        assertThat(back.member()).isEqualTo(info);
        assertThat(back.member().holdoutRmse()).isNaN();
        assertThat(back.status()).isEqualTo(ReplyStatus.OK);
        assertThat(back.job()).isEqualTo(JobType.EVALUATE);
        assertThat(back.learnerId()).isEqualTo("learner-a");
        assertThat(back.workMs()).isEqualTo(17L);
        assertThat(back.ok()).isTrue();
    }

    @Test
    void replyWithoutResultsRoundTripsNulls() {
        JobReply reply = JobReply.of("l", "B", JobType.PREDICT, "m", ReplyStatus.NO_MODEL, "why");

        JobReply back = roundTrip(reply, JobReply.class);

        assertThat(back.predictions()).isNull();
        assertThat(back.member()).isNull();
        assertThat(back.reason()).isEqualTo("why");
        assertThat(back.status()).isEqualTo(ReplyStatus.NO_MODEL);
    }

    @Test
    void emptyBodyIsMalformed() {
        assertThat(assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(new byte[0], FitJob.class)))
            .hasMessageContaining("FitJob");
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(null, FitJob.class));
    }

    @Test
    void invalidJsonIsMalformed() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
            () -> MessageCodec.decode(bytes("{\"modelId\": "), PredictJob.class));

        assertThat(e).hasMessageContaining("PredictJob");
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes("not json"), PredictJob.class));
        assertThrows(MalformedMessageException.class,
            () -> MessageCodec.decode(bytes("{\"rows\": \"many\"}"), PredictJob.class));
    }

    @Test
    void jsonNullIsMalformed() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
            () -> MessageCodec.decode(bytes("null"), EvaluateJob.class));

        assertThat(e).hasMessageContaining("null");
    }

    @Test
    void unknownFieldsAreIgnored() {
        PredictJob job = MessageCodec.decode(
            bytes("{\"modelId\":\"m-9\",\"rows\":1,\"columns\":{\"x\":[1]},\"addedInV2\":{\"a\":[1,2]}}"),
            PredictJob.class);

        assertThat(job.modelId()).isEqualTo("m-9");
        assertThat(job.rows()).isEqualTo(1);
        assertThat(job.columns()).containsOnlyKeys("x");
    }

    private static <T> T roundTrip(T value, Class<T> type) {
        return MessageCodec.decode(MessageCodec.encode(value), type);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
