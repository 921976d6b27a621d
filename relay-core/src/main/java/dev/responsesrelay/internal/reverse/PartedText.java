package dev.responsesrelay.internal.reverse;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The text of one output item as sent to the client so far, part by part ({@code content_index} or
 * {@code summary_index}), so that a {@code *.done} event or the finished item can be reconciled with
 * what the deltas already delivered: only the part of the final text not yet sent goes out.
 * Responses servers may skip deltas altogether (arguments or text only in a done event: LiteLLM
 * lost such arguments, https://github.com/BerriAI/litellm/issues/27144), and that text must still reach the client exactly once.
 */
final class PartedText {
    private final String separator;
    private final Map<Integer, StringBuilder> sent = new HashMap<>();
    private boolean any;

    /** {@code separator} goes between two parts of the item, before the second part's first text. */
    PartedText(String separator) {
        this.separator = separator;
    }

    /** Records a delta of part {@code part}; returns the text to send (empty when nothing). */
    String append(int part, String delta) {
        if (delta.isEmpty()) {
            return "";
        }
        StringBuilder text = sent.get(part);
        String prefix = "";
        if (text == null) {
            text = new StringBuilder();
            sent.put(part, text);
            if (any) {
                prefix = separator;
            }
        }
        text.append(delta);
        any = true;
        return prefix + delta;
    }

    /**
     * Part {@code part} is complete with {@code full}; returns the text still to send, or null when
     * {@code full} does not start with what was already sent (the upstream contradicted itself).
     */
    @Nullable
    String complete(int part, String full) {
        StringBuilder text = sent.get(part);
        String already = text == null ? "" : text.toString();
        if (!full.startsWith(already)) {
            return null;
        }
        return append(part, full.substring(already.length()));
    }

    /** Whether any text was sent. */
    boolean isEmpty() {
        return !any;
    }
}
