package org.mlensemble.common.messaging;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON encoding of every message body. One shared, thread-safe mapper: building one per message
 * costs more than the encoding itself.
 */
public final class MessageCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // newer senders may add fields; an older reader must still understand the rest
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private MessageCodec() {
    }

    public static byte[] encode(Object message) {
        return MAPPER.writeValueAsBytes(message);
    }

    /**
     * Decodes a body, or throws {@link MalformedMessageException} with a reason fit for a log line
     * and a dead-letter header.
     */
    public static <T> T decode(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw new MalformedMessageException("empty body, expected " + type.getSimpleName());
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new MalformedMessageException("null body, expected " + type.getSimpleName());
            }
            return value;
        } catch (JacksonException e) {
            throw new MalformedMessageException("cannot read " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /** The shared mapper, for adapters that need a tree view of a body. */
    public static JsonMapper mapper() {
        return MAPPER;
    }
}
