package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Maps a finished Responses {@code response} object (a non-streaming answer) to a {@code
 * chat.completion}. The text, reasoning and tool calls are joined the way {@link ChatStreamMachine}
 * streams them, so a client sees the same answer either way; where a reasoning item carries both raw
 * text and a summary, the raw text is used.
 */
public final class ChatCompletionMapper {
    private ChatCompletionMapper() {}

    /**
     * Maps the upstream's response body.
     *
     * @throws RelayException with the error the client should get when the response failed ({@code
     *     status: "failed"}, its {@code error} kept), is not finished, or cannot be read
     */
    public static String toCompletion(String responseJson, ReverseContext context) {
        JsonNode response;
        try {
            response = Json.MAPPER.readTree(responseJson);
        } catch (IOException e) {
            throw new RelayException(ReverseErrors.protocol("upstream response is not JSON"), e);
        }
        if (response == null || !response.isObject()) {
            throw new RelayException(ReverseErrors.protocol("upstream response is not a JSON object"));
        }
        String status = response.path("status").asText("");
        String finishReason;
        switch (status) {
            case "completed" -> finishReason = null;
            case "incomplete" ->
                finishReason = ChatStreamMachine.incompleteFinishReason(response.path("incomplete_details"));
            case "failed" ->
                throw new RelayException(
                        ReverseErrors.fromErrorObject(response.path("error"), "upstream response failed"));
            default ->
                throw new RelayException(ReverseErrors.protocol(
                        "upstream response is not finished: status " + (status.isEmpty() ? "missing" : status)));
        }

        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        List<String> reasoning = new ArrayList<>();
        List<Call> calls = new ArrayList<>();
        JsonNode output = response.path("output");
        for (int i = 0; i < output.size(); i++) {
            JsonNode item = output.get(i);
            switch (item.path("type").asText()) {
                case "message" -> {
                    JsonNode content = item.path("content");
                    for (int j = 0; j < content.size(); j++) {
                        JsonNode part = content.get(j);
                        String partType = part.path("type").asText();
                        if (partType.equals("output_text")) {
                            text.append(part.path("text").asText(""));
                        } else if (partType.equals("refusal")) {
                            refusal.append(part.path("refusal").asText(""));
                        }
                    }
                }
                case "reasoning" -> {
                    String raw = joinParts(item.path("content"), "reasoning_text");
                    String joined = raw.isEmpty() ? joinParts(item.path("summary"), "summary_text") : raw;
                    if (!joined.isEmpty()) {
                        reasoning.add(joined);
                    }
                }
                case "function_call", "custom_tool_call" -> calls.add(call(item, "/output/" + i, context));
                default -> {
                    // Hosted tool calls and other items have no Chat form; their results are in the text.
                }
            }
        }
        String reason = finishReason != null ? finishReason : calls.isEmpty() ? "stop" : "tool_calls";
        Usage usage = Usage.read(response.path("usage"));
        return ChatChunkWriter.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", context.completionId());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", context.created());
            g.writeStringField("model", context.model());
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            // OpenAI answers content null when the turn is only tool calls or a refusal.
            boolean nullContent = text.length() == 0 && (!calls.isEmpty() || refusal.length() > 0);
            ChatChunkWriter.writeNullableString(g, "content", nullContent ? null : text.toString());
            ChatChunkWriter.writeNullableString(g, "refusal", refusal.length() == 0 ? null : refusal.toString());
            if (!reasoning.isEmpty()) {
                g.writeStringField(context.reasoningField(), String.join("\n\n", reasoning));
            }
            if (!calls.isEmpty()) {
                writeCalls(g, calls);
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", reason);
            g.writeEndObject();
            g.writeEndArray();
            if (usage != null) {
                usage.write(g);
            }
            g.writeEndObject();
        });
    }

    private static Call call(JsonNode item, String path, ReverseContext context) {
        boolean custom = item.path("type").asText().equals("custom_tool_call");
        String name = text(item, "name");
        String payload = text(item, custom ? "input" : "arguments");
        if (name == null || payload == null) {
            // A call without a name or arguments cannot be run; answering it would be a guess.
            throw new RelayException(ReverseErrors.protocol(
                    "upstream " + item.path("type").asText() + " at " + path + " lacks its name or arguments"));
        }
        String callId = text(item, "call_id");
        return new Call(
                callId != null ? callId : context.ids().newId("call_"),
                ToolCallText.chatName(text(item, "namespace"), name),
                custom ? ToolCallText.customArguments(payload) : payload);
    }

    private static void writeCalls(JsonGenerator g, List<Call> calls) throws IOException {
        g.writeArrayFieldStart("tool_calls");
        for (Call call : calls) {
            g.writeStartObject();
            g.writeStringField("id", call.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", call.name());
            g.writeStringField("arguments", call.arguments());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static String joinParts(JsonNode parts, String partType) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            if (partType.equals(part.path("type").asText())
                    && !part.path("text").asText("").isEmpty()) {
                texts.add(part.path("text").asText(""));
            }
        }
        return String.join("\n\n", texts);
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** A tool call as the Chat client sees it. */
    private record Call(String id, String name, String arguments) {}
}
