package dev.responsesrelay.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one streamed Chat Completions answer showed: its text, where its reasoning arrived, its tool
 * calls, its finish reason, whether it carried usage and ended with {@code [DONE]}. Built from the
 * raw SSE bytes, so it reports what the upstream sent, not what the relay would make of it.
 */
final class StreamReport {
    /**
     * The reasoning fields providers stream in {@code choices[0].delta}: DeepSeek, Kimi, Qwen and
     * llama.cpp {@code reasoning_content}; vLLM, Ollama, Groq and OpenRouter {@code reasoning};
     * OpenRouter also {@code reasoning_details} (docs/PROVIDERS.md, "The built-in profiles").
     */
    static final List<String> REASONING_FIELDS = List.of("reasoning_content", "reasoning", "reasoning_details");

    private static final ObjectMapper JSON = new ObjectMapper();

    final StringBuilder content = new StringBuilder();
    final Set<String> reasoningFields = new LinkedHashSet<>();
    final StringBuilder reasoningText = new StringBuilder();
    final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
    final List<String> problems = new ArrayList<>();

    @Nullable
    String finishReason;

    boolean usage;
    boolean done;
    int chunks;

    @Nullable
    String inStreamError;

    /** One streamed tool call, its pieces joined. */
    static final class ToolCall {
        @Nullable
        String id;

        @Nullable
        String name;

        final StringBuilder arguments = new StringBuilder();
    }

    static StreamReport parse(byte[] sse) {
        StreamReport report = new StreamReport();
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>(decoder.feed(sse));
        events.addAll(decoder.finish());
        for (SseEvent event : events) {
            report.accept(event.data());
        }
        return report;
    }

    private void accept(String data) {
        if (data.strip().equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            problems.add("a chunk is not JSON: " + Excerpts.of(data));
            return;
        }
        if (chunk == null || !chunk.isObject()) {
            problems.add("a chunk is not a JSON object: " + Excerpts.of(data));
            return;
        }
        chunks++;
        if (chunk.hasNonNull("error")) {
            inStreamError = Excerpts.of(chunk.get("error").toString());
        }
        // Usage at the top level (OpenAI), in the choice (Moonshot) or under x_groq (Groq, 2024).
        if (chunk.path("usage").isObject()
                || chunk.path("choices").path(0).path("usage").isObject()
                || chunk.path("x_groq").path("usage").isObject()) {
            usage = true;
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        if (delta.path("content").isTextual()) {
            content.append(delta.get("content").asText());
        }
        for (String field : REASONING_FIELDS) {
            JsonNode value = delta.get(field);
            if (value != null
                    && !value.isNull()
                    && !(value.isTextual() && value.asText().isEmpty())) {
                reasoningFields.add(field);
                if (value.isTextual()) {
                    reasoningText.append(value.asText());
                }
            }
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(toolCalls.size());
            ToolCall accumulated = toolCalls.computeIfAbsent(index, i -> new ToolCall());
            if (call.path("id").isTextual() && !call.get("id").asText().isEmpty()) {
                accumulated.id = call.get("id").asText();
            }
            JsonNode function = call.path("function");
            if (function.path("name").isTextual()
                    && !function.get("name").asText().isEmpty()) {
                accumulated.name = function.get("name").asText();
            }
            if (function.path("arguments").isTextual()) {
                accumulated.arguments.append(function.get("arguments").asText());
            }
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
        }
    }

    /** Whether the text held reasoning in {@code <think>} tags, as some local servers send it. */
    boolean thinkTagsInContent() {
        return content.indexOf("<think>") >= 0 || content.indexOf("</think>") >= 0;
    }

    /** A one-line summary for a check's detail. */
    String summary() {
        return chunks + " chunk(s), finish_reason " + (finishReason == null ? "none" : finishReason)
                + (done ? ", [DONE]" : ", no [DONE]");
    }
}
