package dev.responsesrelay.internal.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.JsonFields;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import org.jspecify.annotations.Nullable;

/**
 * A {@code reasoning} input item as Codex replays it (docs/codex-wire.md §1.3, §6: Codex echoes the item
 * verbatim, {@code content} and {@code encrypted_content} included, or {@code null} where absent).
 *
 * <p>The request mapper only needs {@link #text()}; {@link #encryptedContent()} is kept so that
 * provider state the stream side stored there (an envelope of its own, {@link ReasoningEnvelope}) can be
 * decoded on the way back. Blobs the relay did not write must be left alone.
 *
 * @param text the raw reasoning ({@code content[].text}) if the item has any, else its summary
 *     paragraphs ({@code summary[].text}) joined by blank lines; possibly empty
 * @param encryptedContent the item's {@code encrypted_content}, or null
 */
record ReasoningReplay(String text, @Nullable String encryptedContent) {

    /** Reads a reasoning item; a part without a string {@code text} is skipped, never fatal. */
    static ReasoningReplay from(ObjectNode item, String path) {
        String text = joinTexts(JsonFields.optionalArray(item, "content", path), "\n");
        if (text.isEmpty()) {
            text = joinTexts(JsonFields.optionalArray(item, "summary", path), "\n\n");
        }
        return new ReasoningReplay(text, JsonFields.optionalText(item, "encrypted_content", path));
    }

    private static String joinTexts(@Nullable ArrayNode parts, String separator) {
        if (parts == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : parts) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual() && !text.textValue().isEmpty()) {
                if (out.length() > 0) {
                    out.append(separator);
                }
                out.append(text.textValue());
            }
        }
        return out.toString();
    }
}
