package org.mlensemble.api.system;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strict binding of small JSON bodies to records: an unknown field is a 400 that lists the
 * valid ones, because a silently ignored typo ("algoritm") trains the wrong model.
 */
public final class JsonBodies {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBodies() {
    }

    /** Binds {@code body} (null or missing means "all defaults") to {@code type}. */
    public static <T> T bind(JsonNode body, Class<T> type) {
        JsonNode node = body == null || body.isMissingNode() || body.isNull() ? MAPPER.createObjectNode() : body;
        if (!node.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object");
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiProblem.badRequest("unknown field '" + e.getPropertyName() + "'; valid fields are " + fields(type));
        } catch (JacksonException e) {
            throw ApiProblem.badRequest("invalid body: " + e.getOriginalMessage());
        }
    }

    private static String fields(Class<?> type) {
        RecordComponent[] rc = type.getRecordComponents();
        return rc == null ? "" : Arrays.stream(rc).map(c -> {
            JsonProperty p = c.getAnnotation(JsonProperty.class);
            return p != null && !p.value().isEmpty() ? p.value() : c.getName();
        }).collect(Collectors.joining(", "));
    }
}
