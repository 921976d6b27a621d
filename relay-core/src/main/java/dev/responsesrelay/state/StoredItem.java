package dev.responsesrelay.state;

import java.util.Objects;

/**
 * One input or output item of a stored response: its id and its JSON object exactly as the
 * upstream will see it again (reasoning items keep their {@code encrypted_content}).
 *
 * @param id the item's id; the relay gives every stored item one, as OpenAI does (docs/state.md §1.7)
 * @param json the item as a JSON object
 */
public record StoredItem(String id, String json) {
    /** Checks the parts. */
    public StoredItem {
        Objects.requireNonNull(id, "id == null");
        Objects.requireNonNull(json, "json == null");
    }
}
