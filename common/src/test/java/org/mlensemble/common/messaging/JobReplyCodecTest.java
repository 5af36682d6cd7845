package org.mlensemble.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JobReplyCodecTest {

    private static JobReply predict(double... p) {
        return new JobReply("learner-1", "A", JobType.PREDICT, "m-1", ReplyStatus.OK, null, p, null, null, 12);
    }

    @Test
    void aBinaryReplyReadsBackAsItsJsonDoes() {
        double[] p = {1.5, -2.25e7, 0.1 + 0.2, Math.ulp(1.0), 123456.789};
        JobReply reply = predict(p);

        byte[] binary = JobReplyCodec.encode(reply, true);
        byte[] json = JobReplyCodec.encode(reply, false);

        assertThat(JobReplyCodec.isBinary(binary)).isTrue();
        assertThat(JobReplyCodec.isBinary(json)).isFalse();
        JobReply fromBinary = JobReplyCodec.decode(binary);
        JobReply fromJson = JobReplyCodec.decode(json);
        assertThat(fromBinary.predictions()).containsExactly(p);
        assertThat(fromBinary).usingRecursiveComparison().isEqualTo(fromJson);
        assertThat(binary.length).isLessThan(json.length);
    }

    @Test
    void aReplyWithoutPredictionsStaysJson() {
        JobReply failed = JobReply.of("learner-1", "A", JobType.PREDICT, "m-1", ReplyStatus.FAILED, "no model");
        byte[] body = JobReplyCodec.encode(failed, true);
        assertThat(JobReplyCodec.isBinary(body)).isFalse();
        assertThat(JobReplyCodec.decode(body).reason()).isEqualTo("no model");
    }

    @Test
    void aBinaryReplyCutShortOrNotFiniteIsMalformed() {
        byte[] body = JobReplyCodec.encode(predict(1, 2, 3), true);
        for (int cut : new int[] {5, 9, body.length - 1}) {
            assertThrows(MalformedMessageException.class, () -> JobReplyCodec.decode(Arrays.copyOf(body, cut)), "cut " + cut);
        }
        assertThrows(MalformedMessageException.class, () -> JobReplyCodec.decode(Arrays.copyOf(body, body.length + 8)));
        byte[] nan = body.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putDouble(nan.length - 8, Double.NaN);
        assertThrows(MalformedMessageException.class, () -> JobReplyCodec.decode(nan));
    }
}
