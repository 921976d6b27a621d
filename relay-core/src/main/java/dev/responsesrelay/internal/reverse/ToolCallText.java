package dev.responsesrelay.internal.reverse;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How Responses tool calls look to a Chat Completions client, which only knows function calls with
 * a flat name and JSON arguments.
 */
final class ToolCallText {
    /**
     * Joins a namespace and a name. Responses calls tools inside a namespace (MCP servers, {@code
     * multi_agent_v1}) with {@code namespace} and {@code name} apart, as Codex's {@code
     * mcp__echo}/{@code echo_text}; Chat has one name, so the client sees {@code
     * mcp__echo__echo_text}.
     */
    static final String NAMESPACE_SEPARATOR = "__";

    /**
     * A custom (freeform) tool's input is raw text, not JSON. Chat clients get it as function
     * arguments {@code {"input":"<raw>"}}; the opening is sent when the call is announced and the
     * closing when the input is complete, so every fragment in between is just escaped text and the
     * concatenation is always the final JSON.
     */
    static final String CUSTOM_INPUT_OPEN = "{\"input\":\"";

    static final String CUSTOM_INPUT_CLOSE = "\"}";

    private ToolCallText() {}

    static String chatName(@Nullable String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + NAMESPACE_SEPARATOR + name;
    }

    /** The complete arguments JSON for a custom tool's raw input. */
    static String customArguments(String rawInput) {
        return CUSTOM_INPUT_OPEN + escape(rawInput) + CUSTOM_INPUT_CLOSE;
    }

    /**
     * Escapes text for the inside of a JSON string. Escaping works character by character, so
     * fragments escaped one at a time concatenate to the escape of the whole; a surrogate pair split
     * across two fragments is written as two {@code \\u} escapes, which still decode to the pair.
     */
    static String escape(String text) {
        @Nullable StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = replacement(text, i, c);
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static @Nullable String replacement(String text, int i, char c) {
        String simple = switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> "";
        };
        if (!simple.isEmpty()) {
            return simple;
        }
        boolean control = c < 0x20;
        boolean loneHigh = Character.isHighSurrogate(c)
                && !(i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)));
        boolean loneLow = Character.isLowSurrogate(c) && !(i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
        if (control || loneHigh || loneLow) {
            return String.format(Locale.ROOT, "\\u%04x", (int) c);
        }
        return null;
    }
}
