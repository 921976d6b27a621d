package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Lenient reads of a Responses streaming event for {@link ChatStreamMachine}: a field of the wrong
 * type reads as absent, because the machine decides itself which absences break the protocol (and
 * then fails the stream), while servers differ in which optional fields they send.
 *
 * <p>Split out of {@link ChatStreamMachine} (issue 15 §1: no class in the core over about 500
 * lines). Stateless.
 */
final class EventFields {
    private EventFields() {}

    static @Nullable JsonNode readObject(String data) {
        try {
            JsonNode node = Json.MAPPER.readTree(data);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    static List<String> texts(JsonNode parts, String partType) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            if (partType.equals(part.path("type").asText()) && part.path("text").isTextual()) {
                texts.add(part.path("text").textValue());
            }
        }
        return texts;
    }

    static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    static String textOr(JsonNode node, String field, String fallback) {
        String value = text(node, field);
        return value != null ? value : fallback;
    }

    static @Nullable Integer intOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToInt() && value.isIntegralNumber() ? value.intValue() : null;
    }

    static int intOr(JsonNode node, String field, int fallback) {
        Integer value = intOrNull(node, field);
        return value != null ? value : fallback;
    }
}
