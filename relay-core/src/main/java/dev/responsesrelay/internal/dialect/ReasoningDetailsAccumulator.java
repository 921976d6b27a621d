package dev.responsesrelay.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Assembles OpenRouter's streamed {@code reasoning_details} (docs/dialects.md §1.8) into the entries the
 * provider wants back verbatim on the next request: each delta carries fragments of entries keyed
 * by {@code index} ({@code reasoning.text} text in pieces, the Anthropic {@code signature} on a
 * later fragment, {@code reasoning.encrypted} data usually whole). Fragments of the same index and
 * type are merged: {@code text}, {@code summary} and {@code data} are concatenated, and any other
 * field is set by its first non-null value. Entries without an index are kept as they came.
 *
 * <p>Not thread-safe; one per reasoning item.
 */
public final class ReasoningDetailsAccumulator {
    private static final List<String> CONCATENATED = List.of("text", "summary", "data");

    private final List<ObjectNode> entries = new ArrayList<>(1);

    public void add(List<JsonNode> fragments) {
        for (JsonNode fragment : fragments) {
            if (fragment.isObject()) {
                add((ObjectNode) fragment);
            }
        }
    }

    private void add(ObjectNode fragment) {
        JsonNode index = fragment.get("index");
        if (index != null && index.canConvertToInt()) {
            for (ObjectNode entry : entries) {
                if (index.equals(entry.get("index")) && fragment.path("type").equals(entry.path("type"))) {
                    merge(entry, fragment);
                    return;
                }
            }
        }
        entries.add(fragment.deepCopy());
    }

    private static void merge(ObjectNode entry, ObjectNode fragment) {
        for (Map.Entry<String, JsonNode> field : fragment.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode existing = entry.get(name);
            if (CONCATENATED.contains(name) && value.isTextual() && existing != null && existing.isTextual()) {
                entry.put(name, existing.textValue() + value.textValue());
            } else if (existing == null || existing.isNull()) {
                entry.set(name, value.deepCopy());
            }
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The merged entries, as a fresh array. */
    public ArrayNode toArray() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode(entries.size());
        entries.forEach(e -> out.add(e.deepCopy()));
        return out;
    }
}
