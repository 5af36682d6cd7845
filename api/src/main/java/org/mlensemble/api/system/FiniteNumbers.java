package org.mlensemble.api.system;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * How numbers leave the API. A non-finite number (an r2 of a constant test set, a member without a
 * held-out error) is {@code null}: JSON has no NaN, and Jackson's default, the string
 * {@code "NaN"}, puts a string into a numeric field. A point in time ({@link #TIMESTAMPS}, epoch
 * millis inside the cluster) is an ISO-8601 UTC string such as {@code 2026-12-01T05:02:34.120Z}.
 * Only the HTTP answers change: messages between learners and api keep epoch millis.
 */
final class FiniteNumbers {

    /** The fields that hold a point in time, in every record the API returns. */
    static final java.util.Set<String> TIMESTAMPS = java.util.Set.of("createdAt", "trainedAt", "lastSeen",
            "startedAt", "updatedAt", "sentAt", "removedAt");

    private FiniteNumbers() {
    }

    static SimpleModule module() {
        ValueSerializer<Double> finite = new ValueSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator gen, SerializationContext ctxt) {
                if (value == null || !Double.isFinite(value)) {
                    gen.writeNull();
                } else {
                    gen.writeNumber(value);
                }
            }
        };
        ValueSerializer<Object> iso = new ValueSerializer<>() {
            @Override
            public void serialize(Object value, JsonGenerator gen, SerializationContext ctxt) {
                long millis = ((Number) value).longValue();
                if (millis <= 0) {
                    gen.writeNull(); // unknown: 0 or -1 in the messages
                } else {
                    gen.writeString(java.time.Instant.ofEpochMilli(millis).toString());
                }
            }
        };
        SimpleModule module = new SimpleModule("finite-numbers");
        module.addSerializer(Double.class, finite);
        module.addSerializer(Double.TYPE, finite);
        module.setSerializerModifier(new tools.jackson.databind.ser.ValueSerializerModifier() {
            @Override
            public java.util.List<tools.jackson.databind.ser.BeanPropertyWriter> changeProperties(
                    tools.jackson.databind.SerializationConfig config,
                    tools.jackson.databind.BeanDescription.Supplier description,
                    java.util.List<tools.jackson.databind.ser.BeanPropertyWriter> properties) {
                for (tools.jackson.databind.ser.BeanPropertyWriter p : properties) {
                    Class<?> type = p.getType().getRawClass();
                    if (TIMESTAMPS.contains(p.getName()) && (type == long.class || type == Long.class)) {
                        p.assignSerializer(iso);
                    }
                }
                return properties;
            }
        });
        return module;
    }
}
