package org.mlensemble.common.messaging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The body of a job reply: JSON, or, for a reply with predictions to a requester that asked for it
 * ({@link Headers#REPLY_FORMAT} {@value #BINARY} on the job), the reply's other fields as JSON
 * followed by the predictions as raw doubles. 10,000 predictions are 186 KB of JSON that a learner
 * wrote in ~2.6 ms and the api read in ~2.3 ms per reply; as doubles they are 80 KB copied.
 * Little-endian:
 * <pre>
 * int magic "MLR1" | int n | n bytes: the reply as JSON, without predictions | int rows | rows x double
 * </pre>
 * A requester of an earlier version does not ask, and gets JSON.
 */
public final class JobReplyCodec {

    /** "MLR1": a JSON body starts with '{' instead. */
    static final int MAGIC = 0x4D4C5231;

    /** The value of {@link Headers#REPLY_FORMAT} that asks for this form. */
    public static final String BINARY = "binary";

    public static final String CONTENT_TYPE = "application/vnd.ml.reply-doubles";

    private JobReplyCodec() {
    }

    /** The binary form when asked for and the reply has predictions, else JSON. */
    public static byte[] encode(JobReply reply, boolean binary) {
        double[] p = reply.predictions();
        if (!binary || p == null) {
            return MessageCodec.encode(reply);
        }
        byte[] head = MessageCodec.encode(new JobReply(reply.learnerId(), reply.shard(), reply.job(), reply.modelId(),
                reply.status(), reply.reason(), null, reply.actuals(), reply.member(), reply.workMs(), reply.dataset(),
                reply.joint()));
        ByteBuffer out = ByteBuffer.allocate(4 + 4 + head.length + 4 + 8 * p.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(head.length).put(head).putInt(p.length);
        out.asDoubleBuffer().put(p);
        return out.array();
    }

    public static boolean isBinary(byte[] body) {
        return body != null && body.length >= 4
                && ByteBuffer.wrap(body, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == MAGIC;
    }

    /**
     * Decodes either form.
     *
     * @throws MalformedMessageException for a body that is neither, is cut short, or carries a
     *                                   prediction that is not a finite number
     */
    public static JobReply decode(byte[] body) {
        if (!isBinary(body)) {
            return MessageCodec.decode(body, JobReply.class);
        }
        ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        in.position(4);
        int n = need(in, 4) ? in.getInt() : -1;
        if (n < 0 || in.remaining() < n) {
            throw new MalformedMessageException("a binary reply cut short in its header");
        }
        JobReply head = MessageCodec.decode(Arrays.copyOfRange(body, in.position(), in.position() + n), JobReply.class);
        in.position(in.position() + n);
        int rows = need(in, 4) ? in.getInt() : -1;
        if (rows < 0 || in.remaining() != 8L * rows) {
            throw new MalformedMessageException("a binary reply's predictions are cut short or followed by more");
        }
        double[] p = new double[rows];
        in.asDoubleBuffer().get(p);
        for (double v : p) {
            if (!Double.isFinite(v)) {
                throw new MalformedMessageException("a binary reply with a non-finite prediction");
            }
        }
        return new JobReply(head.learnerId(), head.shard(), head.job(), head.modelId(), head.status(), head.reason(),
                p, head.actuals(), head.member(), head.workMs(), head.dataset(), head.joint());
    }

    private static boolean need(ByteBuffer in, int bytes) {
        return in.remaining() >= bytes;
    }
}
