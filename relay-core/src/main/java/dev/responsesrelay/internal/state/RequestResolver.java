package dev.responsesrelay.internal.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.state.ResponseStore;
import dev.responsesrelay.state.StoredItem;
import dev.responsesrelay.state.StoredResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The resolve step: turns a request that leans on stored state into one that does not, so {@code
 * translate} sees a plain stateless request.
 *
 * <ul>
 *   <li>{@code previous_response_id}: the chain's input and output items, oldest first, go in
 *       front of the new input, and the field is removed. Nothing else of the stored responses is
 *       carried ({@code instructions} explicitly not, docs/state.md §1.2). An unknown id, or a chain with
 *       a missing link, is a 400 {@code previous_response_not_found} in OpenAI's shape: a chain
 *       silently cut short would lose context.
 *   <li>{@code {"type":"item_reference","id":…}} (also without {@code type}, which the SDK types
 *       allow, docs/state.md §1.3) is replaced by the stored item; a reasoning item sent by id without
 *       {@code encrypted_content} (LangChain, docs/state.md §2) by the stored reasoning item. An id not
 *       stored for this client is a 400 naming the item's JSON path: no input item is dropped.
 * </ul>
 *
 * A body that is not a JSON object is passed on unchanged, so {@code translate} reports it.
 */
public final class RequestResolver {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RequestResolver() {}

    /** Resolves one request body against {@code store} under {@code scope}. */
    public static Resolution resolve(byte[] body, String scope, ResponseStore store, int maxChainLength) {
        ObjectNode request = parseObject(body);
        if (request == null) {
            return new Resolution(body, false, null, List.of(), false);
        }
        JsonNode storeField = request.get("store");
        if (storeField != null && !storeField.isNull() && !storeField.isBoolean()) {
            throw new InvalidRequestException("store must be a boolean", "/store");
        }
        // OpenAI: "Defaults to true when omitted" (docs/state.md §1.1).
        boolean record = storeField == null || storeField.isNull() || storeField.booleanValue();
        boolean usedStore = false;
        boolean changed = false;

        List<ObjectNode> ownInput = new ArrayList<>();
        JsonNode input = request.get("input");
        if (input != null && input.isTextual()) {
            ObjectNode message = NODES.objectNode();
            message.put("type", "message");
            message.put("role", "user");
            message.putArray("content").addObject().put("type", "input_text").put("text", input.textValue());
            ownInput.add(message);
        } else if (input != null && input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                JsonNode element = input.get(i);
                if (!element.isObject()) {
                    throw new InvalidRequestException("an input item must be an object", "/input/" + i);
                }
                ObjectNode item = (ObjectNode) element;
                String referencedId = referencedId(item, "/input/" + i);
                if (referencedId != null) {
                    usedStore = true;
                    changed = true;
                    item = storedItem(store, scope, referencedId, "/input/" + i);
                }
                ownInput.add(item);
            }
        }

        String previousResponseId = null;
        JsonNode previous = request.get("previous_response_id");
        ArrayNode expanded = NODES.arrayNode();
        if (previous != null && !previous.isNull()) {
            if (!previous.isTextual() || previous.textValue().isEmpty()) {
                throw new InvalidRequestException(
                        "previous_response_id must be a non-empty string", "/previous_response_id");
            }
            previousResponseId = previous.textValue();
            usedStore = true;
            changed = true;
            for (StoredResponse link : chain(store, scope, previousResponseId, maxChainLength)) {
                for (StoredItem item : link.inputItems()) {
                    expanded.add(readStored(item, previousResponseId));
                }
                for (StoredItem item : link.outputItems()) {
                    expanded.add(readStored(item, previousResponseId));
                }
            }
        }
        if (previous != null) {
            request.remove("previous_response_id");
            changed = true;
        }
        if (!changed) {
            return new Resolution(body, record, null, ownInput, false);
        }
        for (ObjectNode item : ownInput) {
            expanded.add(item);
        }
        request.set("input", expanded);
        try {
            return new Resolution(
                    Json.MAPPER.writeValueAsBytes(request), record, previousResponseId, ownInput, usedStore);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The error OpenAI answers an unknown previous response with (docs/state.md §1.2, "Error shapes"). */
    public static RelayException previousResponseNotFound(String id) {
        return new RelayException(RelayError.of(
                400,
                "invalid_request_error",
                "previous_response_not_found",
                "Previous response with id '" + id + "' not found.",
                "previous_response_id",
                null));
    }

    /** The id an item refers to the store by, or null for an item that carries itself. */
    private static @Nullable String referencedId(ObjectNode item, String path) {
        JsonNode typeNode = item.get("type");
        String type = typeNode == null || typeNode.isNull() ? null : typeNode.asText();
        boolean reference =
                "item_reference".equals(type) || (type == null && item.get("role") == null && item.get("id") != null);
        boolean idOnlyReasoning = "reasoning".equals(type)
                && item.get("id") != null
                && (item.get("encrypted_content") == null
                        || item.get("encrypted_content").isNull());
        if (!reference && !idOnlyReasoning) {
            return null;
        }
        JsonNode id = item.get("id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            throw new InvalidRequestException("id must be a non-empty string", path + "/id");
        }
        return id.textValue();
    }

    private static ObjectNode storedItem(ResponseStore store, String scope, String id, String path) {
        Optional<StoredItem> stored = store.findItem(scope, id);
        ObjectNode item = stored.map(s -> parseObject(s.json())).orElse(null);
        if (item == null) {
            // OpenAI's wording (docs/state.md §1.2), with the path of the item it could not resolve.
            throw new InvalidRequestException(
                    "Item with id '" + id + "' not found. Items are not persisted when `store` is set to false,"
                            + " and are kept only for the client that created them",
                    path);
        }
        return item;
    }

    private static List<StoredResponse> chain(ResponseStore store, String scope, String id, int maxLength) {
        List<StoredResponse> chain = store.chain(scope, id, maxLength);
        if (chain.isEmpty()) {
            throw previousResponseNotFound(id);
        }
        String missing = chain.get(0).previousResponseId();
        if (missing != null) {
            // A deleted or expired link (or a chain longer than the bound): the history would have a
            // hole, so the client is told, as for an unknown id, and resends the whole conversation.
            throw previousResponseNotFound(chain.size() >= maxLength ? id : missing);
        }
        return chain;
    }

    private static ObjectNode readStored(StoredItem item, String previousResponseId) {
        ObjectNode node = parseObject(item.json());
        if (node == null) {
            // A corrupt or foreign row: the chain cannot be rebuilt faithfully.
            throw previousResponseNotFound(previousResponseId);
        }
        return node;
    }

    private static @Nullable ObjectNode parseObject(String json) {
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return node != null && node.isObject() ? (ObjectNode) node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static @Nullable ObjectNode parseObject(byte[] json) {
        // Large strings (base64 images) stay slices of the body, as translate reads them (issue 18):
        // Jackson's own tree would hold a 30 MB screenshot as a char[] and then a String.
        JsonNode node = Json.readTreeKeepingLargeStrings(json);
        return node != null && node.isObject() ? (ObjectNode) node : null;
    }
}
