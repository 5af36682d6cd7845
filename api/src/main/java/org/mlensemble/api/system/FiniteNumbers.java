package org.mlensemble.api.system;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Writes a non-finite number (an r2 of a constant test set, a member without a held-out error) as
 * {@code null}. JSON has no NaN: Jackson's default, the string {@code "NaN"}, puts a string into a
 * numeric field and breaks typed clients.
 */
final class FiniteNumbers {

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
        SimpleModule module = new SimpleModule("finite-numbers");
        module.addSerializer(Double.class, finite);
        module.addSerializer(Double.TYPE, finite);
        return module;
    }
}
