package dev.responsesrelay.examples.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Scripted {@code chat.completion.chunk} payloads for the capture's upstream. No provider is
 * reachable from the capture machine, so the upstream's side of every recorded scenario is scripted:
 * shaped after the OpenAI stream (DIALECTS.md §0: role chunk, deltas, a finish chunk, a usage-only
 * chunk last), with DeepSeek's {@code reasoning_content} delta for reasoning (DIALECTS.md §1.2).
 */
final class ScriptedChunks {
    /** The line a scenario's {@code source.upstream} starts with. */
    static final String SHAPED_AFTER = "scripted, shaped after DIALECTS.md §0 (OpenAI chunks, usage-only chunk last,"
            + " [DONE]) with DeepSeek's reasoning_content delta (§1.2) where the case has reasoning";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScriptedChunks() {}

    /** The first chunk: the assistant role with empty content. */
    static String role() {
        return chunk(MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null);
    }

    static String content(String text) {
        return chunk(MAPPER.createObjectNode().put("content", text), null);
    }

    static String reasoning(String text) {
        return chunk(MAPPER.createObjectNode().put("reasoning_content", text), null);
    }

    /** A whole tool call in one delta: index, id, name and all the arguments. */
    static String toolCall(int index, String id, String name, String arguments) {
        ObjectNode delta = MAPPER.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", index).put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return chunk(delta, null);
    }

    /** A later delta of a tool call: only its index and an argument fragment. */
    static String toolCallArguments(int index, String fragment) {
        ObjectNode delta = MAPPER.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", index);
        call.putObject("function").put("arguments", fragment);
        return chunk(delta, null);
    }

    static String finish(String reason) {
        return chunk(MAPPER.createObjectNode(), reason);
    }

    /** The usage-only chunk OpenAI sends last when {@code stream_options.include_usage} is set. */
    static String usage(int promptTokens, int completionTokens) {
        ObjectNode root = base();
        root.putArray("choices");
        root.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return write(root);
    }

    /** {@code {"key": value}} as JSON text, for tool-call arguments. */
    static String arguments(String key, String value) {
        return write(MAPPER.createObjectNode().put(key, value));
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
                .put("model", CodexFixtureCapture.MODEL);
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
