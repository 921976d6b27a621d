package dev.responsesrelay.internal.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.state.StoredItem;
import dev.responsesrelay.state.StoredResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The record step and the JSON a stored response is served as. */
public final class ResponseObjects {
    private ResponseObjects() {}

    /**
     * Builds what to store from the terminal Response object, or null if {@code responseJson} is not
     * a Response object (no {@code id}).
     */
    public static @Nullable StoredResponse toStored(
            Resolution resolution, String scope, String responseJson, IdGenerator ids) {
        ObjectNode response;
        try {
            JsonNode node = Json.MAPPER.readTree(responseJson);
            if (node == null || !node.isObject()) {
                return null;
            }
            response = (ObjectNode) node;
        } catch (IOException e) {
            return null;
        }
        // A terminal event ({"type":"response.completed",…,"response":{…}}) carries the object.
        if (response.get("response") instanceof ObjectNode carried
                && response.path("type").asText().startsWith("response.")) {
            response = carried;
        }
        JsonNode id = response.get("id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            return null;
        }
        JsonNode createdAt = response.get("created_at");
        long created = createdAt != null && createdAt.canConvertToLong() ? createdAt.longValue() : 0;
        List<StoredItem> output = new ArrayList<>();
        JsonNode outputNode = response.remove("output");
        if (outputNode != null && outputNode.isArray()) {
            for (JsonNode item : outputNode) {
                if (item.isObject()) {
                    output.add(withId((ObjectNode) item, ids));
                }
            }
        }
        if (resolution.previousResponseId() != null) {
            // The stream's Response echoes the request after resolution, which no longer names it.
            response.put("previous_response_id", resolution.previousResponseId());
        }
        List<StoredItem> input = new ArrayList<>(resolution.ownInput().size());
        for (ObjectNode item : resolution.ownInput()) {
            input.add(withId(normalised(item.deepCopy()), ids));
        }
        return new StoredResponse(
                id.textValue(), scope, resolution.previousResponseId(), created, write(response), input, output);
    }

    /**
     * The size of the request's own input as JSON, counted without writing it: what {@link
     * #toStored} would make one more copy of, twice over (the bytes, then the text).
     */
    public static long inputBytes(Resolution resolution) {
        long bytes = 0;
        for (ObjectNode item : resolution.ownInput()) {
            bytes += Json.byteCount(item);
        }
        return bytes;
    }

    /**
     * An "easy input message" ({@code {role, content:"text"}}) in the form OpenAI lists input items
     * in: {@code type:"message"} and content parts (openai-node 7.60.0 {@code ResponseInputMessageItem};
     * openai-java reads {@code content} as a list).
     */
    private static ObjectNode normalised(ObjectNode item) {
        if (item.get("type") == null && item.get("role") != null) {
            item.put("type", "message");
        }
        JsonNode content = item.get("content");
        if ("message".equals(item.path("type").asText()) && content != null && content.isTextual()) {
            String part = "assistant".equals(item.path("role").asText()) ? "output_text" : "input_text";
            ArrayNode parts = item.putArray("content");
            ObjectNode text = parts.addObject().put("type", part).put("text", content.textValue());
            if (part.equals("output_text")) {
                text.putArray("annotations");
            }
        }
        return item;
    }

    /** The item with an id: its own, or a new one, as OpenAI gives every stored item (docs/state.md §1.7). */
    private static StoredItem withId(ObjectNode item, IdGenerator ids) {
        JsonNode id = item.get("id");
        String itemId;
        if (id != null && id.isTextual() && !id.textValue().isEmpty()) {
            itemId = id.textValue();
        } else {
            itemId = ids.newId(idPrefix(item.path("type").asText("message")));
            // Put first, as OpenAI lists items with their id leading.
            ObjectNode withId = item.objectNode();
            withId.put("id", itemId);
            for (Map.Entry<String, JsonNode> field : item.properties()) {
                if (!field.getKey().equals("id")) {
                    withId.set(field.getKey(), field.getValue());
                }
            }
            item = withId;
        }
        if ("message".equals(item.path("type").asText()) && item.get("status") == null) {
            item.put("status", "completed");
        }
        return new StoredItem(itemId, write(item));
    }

    private static String idPrefix(String type) {
        return switch (type) {
            case "message" -> "msg_";
            case "function_call" -> "fc_";
            case "function_call_output" -> "fco_";
            case "reasoning" -> "rs_";
            default -> "item_";
        };
    }

    /** The stored Response object with its output items put back in place of {@code output}. */
    public static String withOutput(String responseJson, List<StoredItem> output) {
        ObjectNode response;
        try {
            JsonNode node = Json.MAPPER.readTree(responseJson);
            response = node != null && node.isObject() ? (ObjectNode) node : Json.MAPPER.createObjectNode();
        } catch (IOException e) {
            response = Json.MAPPER.createObjectNode();
        }
        ArrayNode items = response.putArray("output");
        for (StoredItem item : output) {
            try {
                items.add(Json.MAPPER.readTree(item.json()));
            } catch (IOException e) {
                // A corrupt item is left out of the view rather than failing the whole answer.
            }
        }
        return write(response);
    }

    /**
     * The {@code input_items} list (docs/state.md §1.6, §1.7): {@code {"object":"list","data",
     * "first_id","last_id","has_more"}}.
     */
    public static String inputItemsPage(StoredResponse response, boolean ascending, int limit, @Nullable String after) {
        List<StoredItem> items = new ArrayList<>(response.inputItems());
        if (!ascending) {
            java.util.Collections.reverse(items);
        }
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).id().equals(after)) {
                    start = i + 1;
                    break;
                }
            }
            if (start < 0) {
                throw new dev.responsesrelay.InvalidRequestException(
                        "no input item with id '" + after + "' in response " + response.id(), "after");
            }
        }
        int end = Math.min(items.size(), start + limit);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = start; i < end; i++) {
                // Parsed, not copied raw: a corrupt stored item must not corrupt the whole answer.
                JsonNode item = parseOrNull(items.get(i).json());
                if (item != null) {
                    g.writeTree(item);
                }
            }
            g.writeEndArray();
            if (start < end) {
                g.writeStringField("first_id", items.get(start).id());
                g.writeStringField("last_id", items.get(end - 1).id());
            } else {
                g.writeNullField("first_id");
                g.writeNullField("last_id");
            }
            g.writeBooleanField("has_more", end < items.size());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static @Nullable JsonNode parseOrNull(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static String write(JsonNode node) {
        // Items may hold a base64 image as a slice of the request body: one copy, not three.
        return Json.writeString(node);
    }
}
