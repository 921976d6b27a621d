package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.internal.Json;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of a Chat request's JSON for {@link ChatRequestMapper}, {@link ChatMessageMapper}
 * and {@link ChatToolMapper}: each throws an {@link InvalidRequestException} naming the JSON
 * pointer of the bad field, so every refusal the reverse direction gives is a 400 that says
 * where, never a 500.
 */
final class ChatFields {
    /**
     * Responses {@code function} tools default to {@code strict: true}, Chat tools to {@code false};
     * the mapper always writes {@code strict} so a Chat tool keeps its meaning. A Chat function
     * without {@code parameters} takes no arguments; the Responses field is required.
     */
    static final String EMPTY_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

    private ChatFields() {}

    /** The value of {@code field}, or null when it is absent or JSON {@code null}. */
    static @Nullable JsonNode present(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() ? null : value;
    }

    static String requireString(JsonNode parent, String field, String parentPath) {
        String value = optString(parent, field, parentPath);
        if (value == null) {
            throw invalid("missing required field", parentPath + "/" + field);
        }
        return value;
    }

    static @Nullable String optString(JsonNode parent, String field, String parentPath) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("expected a string", parentPath + "/" + field);
        }
        return value.textValue();
    }

    static boolean requireBoolean(JsonNode value, String path) {
        if (!value.isBoolean()) {
            throw invalid("expected a boolean", path);
        }
        return value.booleanValue();
    }

    static JsonNode parseInternal(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad constant JSON " + json, e);
        }
    }

    static String toJson(ObjectNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e); // a tree always writes
        }
    }

    /** RFC 6901: {@code ~} and {@code /} in a member name are escaped in a JSON pointer. */
    static String escapePointer(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    static InvalidRequestException invalid(String message, String path) {
        return new InvalidRequestException(message, path);
    }
}
