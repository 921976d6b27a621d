package dev.responsesrelay.codexconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Synthetic {@code chat.completion.chunk} payloads for the scripted upstream, shaped after the OpenAI
 * stream (docs/dialects.md §0, {@code openai-stream-basic-gomodel.sse}); reasoning uses DeepSeek's {@code
 * reasoning_content} delta (docs/dialects.md §1.2).
 */
public final class ChatChunks {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChatChunks() {}

    /** The first chunk: the assistant role with empty content. */
    public static String role() {
        ObjectNode delta = MAPPER.createObjectNode().put("role", "assistant").put("content", "");
        return chunk(delta, null);
    }

    public static String content(String text) {
        return chunk(MAPPER.createObjectNode().put("content", text), null);
    }

    public static String reasoning(String text) {
        return chunk(MAPPER.createObjectNode().put("reasoning_content", text), null);
    }

    /** The first delta of a tool call: index, id, name and the first argument fragment. */
    public static String toolCallStart(int index, String id, String name, String argumentsFragment) {
        ObjectNode delta = MAPPER.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", index).put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", argumentsFragment);
        return chunk(delta, null);
    }

    /** A later delta of a tool call: only the index and an argument fragment. */
    public static String toolCallArguments(int index, String argumentsFragment) {
        ObjectNode delta = MAPPER.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", index);
        call.putObject("function").put("arguments", argumentsFragment);
        return chunk(delta, null);
    }

    public static String finish(String reason) {
        return chunk(MAPPER.createObjectNode(), reason);
    }

    /** The usage-only chunk OpenAI sends last when {@code stream_options.include_usage} is set. */
    public static String usage(int promptTokens, int completionTokens) {
        ObjectNode root = base();
        root.putArray("choices");
        root.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return write(root);
    }

    /** A JSON string literal, for building tool-call arguments. */
    public static String quote(String text) {
        return MAPPER.getNodeFactory().textNode(text).toString();
    }

    private static String chunk(ObjectNode delta, @Nullable String finishReason) {
        ObjectNode root = base();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return write(root);
    }

    private static ObjectNode base() {
        return MAPPER.createObjectNode()
                .put("id", "chatcmpl-scripted")
                .put("object", "chat.completion.chunk")
                .put("created", 1_767_225_600)
                .put("model", "scripted-model");
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
