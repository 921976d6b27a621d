package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.responsesrelay.internal.Json;
import org.jspecify.annotations.Nullable;

/**
 * Synthetic upstream chunks, shaped after OpenAI's own stream (docs/dialects.md §0: {@code
 * chat.completion.chunk} with one choice, {@code delta}, {@code finish_reason} on its own chunk).
 * Tests that need another dialect's shape write the JSON inline and say which section it follows.
 */
public final class Chunks {
    private Chunks() {}

    /** A chunk whose {@code choices[0].delta} is {@code deltaJson}. */
    public static String delta(String deltaJson) {
        return "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"upstream-model\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson
                + ",\"finish_reason\":null}]}";
    }

    public static String role() {
        return delta("{\"role\":\"assistant\",\"content\":\"\"}");
    }

    public static String text(String text) {
        return delta("{\"content\":" + quote(text) + "}");
    }

    /** Reasoning in {@code field}: {@code reasoning_content}, {@code reasoning}, … */
    public static String reasoning(String field, String text) {
        return delta("{" + quote(field) + ":" + quote(text) + "}");
    }

    /** One tool-call delta; null fields are left out. */
    public static String toolCall(
            @Nullable Integer index, @Nullable String id, @Nullable String name, String arguments) {
        StringBuilder call = new StringBuilder("{");
        if (index != null) {
            call.append("\"index\":").append(index).append(',');
        }
        if (id != null) {
            call.append("\"id\":").append(quote(id)).append(",\"type\":\"function\",");
        }
        call.append("\"function\":{");
        if (name != null) {
            call.append("\"name\":").append(quote(name)).append(',');
        }
        call.append("\"arguments\":").append(quote(arguments)).append("}}");
        return delta("{\"tool_calls\":[" + call + "]}");
    }

    /** The finish chunk: {@code delta: {}} plus {@code finish_reason}. */
    public static String finish(String reason) {
        return "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"upstream-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                + quote(reason) + "}]}";
    }

    /** The usage-only chunk OpenAI sends with {@code stream_options.include_usage}. */
    public static String usage(long prompt, long completion) {
        return "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"upstream-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    public static String quote(String text) {
        try {
            return Json.MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
