package dev.responsesrelay.clients;

import static dev.responsesrelay.codexconfig.ChatChunks.content;
import static dev.responsesrelay.codexconfig.ChatChunks.finish;
import static dev.responsesrelay.codexconfig.ChatChunks.reasoning;
import static dev.responsesrelay.codexconfig.ChatChunks.role;
import static dev.responsesrelay.codexconfig.ChatChunks.toolCallArguments;
import static dev.responsesrelay.codexconfig.ChatChunks.toolCallStart;
import static dev.responsesrelay.codexconfig.ChatChunks.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.fixtures.ScriptedReply;

/**
 * Synthetic Chat Completions answers for the scripted upstream, streamed ({@code
 * chat.completion.chunk}s from {@code ChatChunks}) or whole ({@code chat.completion}, the shape
 * OpenAI documents at https://platform.openai.com/docs/api-reference/chat/object), with DeepSeek's
 * {@code reasoning_content} for the reasoning (docs/dialects.md §1.2). The relay asks the upstream for a
 * stream exactly when its client asked for one, so each test scripts the kind its client's call
 * makes.
 */
final class ChatReplies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChatReplies() {}

    /** A streamed answer: some reasoning, then the text in two deltas. */
    static ScriptedReply streamedText(String reasoningText, String text) {
        int half = text.length() / 2;
        return ScriptedReply.sse(
                role(),
                reasoning(reasoningText),
                content(text.substring(0, half)),
                content(text.substring(half)),
                finish("stop"),
                usage(20, 8));
    }

    /** A streamed call of {@code get_weather} for Paris, preceded by some reasoning. */
    static ScriptedReply streamedWeatherCall(String callId) {
        String arguments = "{\"city\":\"Paris\"}";
        return ScriptedReply.sse(
                role(),
                reasoning("The user wants the weather; call the tool."),
                toolCallStart(0, callId, "get_weather", arguments.substring(0, 5)),
                toolCallArguments(0, arguments.substring(5)),
                finish("tool_calls"),
                usage(30, 12));
    }

    /** A whole (non-streamed) answer with reasoning and text. */
    static ScriptedReply jsonText(String reasoningText, String text) {
        ObjectNode root = completion("stop");
        ObjectNode message = (ObjectNode) root.path("choices").get(0).path("message");
        message.put("reasoning_content", reasoningText).put("content", text);
        return ScriptedReply.json(200, write(root));
    }

    /** A whole (non-streamed) call of {@code get_weather} for Paris, with reasoning. */
    static ScriptedReply jsonWeatherCall(String callId) {
        ObjectNode root = completion("tool_calls");
        ObjectNode message = (ObjectNode) root.path("choices").get(0).path("message");
        message.put("reasoning_content", "The user wants the weather; call the tool.")
                .putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.put("id", callId).put("type", "function");
        call.putObject("function").put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}");
        return ScriptedReply.json(200, write(root));
    }

    private static ObjectNode completion(String finishReason) {
        ObjectNode root = MAPPER.createObjectNode()
                .put("id", "chatcmpl-scripted")
                .put("object", "chat.completion")
                .put("created", 1_767_225_600)
                .put("model", RelayUnderTest.MODEL);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant");
        choice.put("finish_reason", finishReason);
        root.putObject("usage")
                .put("prompt_tokens", 20)
                .put("completion_tokens", 8)
                .put("total_tokens", 28);
        return root;
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
