package dev.responsesrelay.reverse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.ObjectMappers;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ErrorObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.responsesrelay.ChatCompletionStream;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Chat Completions stream the way openai-java does, and checks what every stream the relay
 * emits must satisfy. Every stream test goes through {@link #read}.
 *
 * <ul>
 *   <li>The payloads go through the wire: {@link SseEncoder#encodeData} and back through {@link
 *       SseDecoder}, as data-only events.
 *   <li>Like openai-java's {@code SseHandler}: {@code [DONE]} ends the stream, and a payload with a
 *       top-level {@code error} is the error the SDK raises ({@code SseException}), parsed as its
 *       {@link ErrorObject}.
 *   <li>Every other payload is parsed with {@code ObjectMappers.jsonMapper()} into a {@link
 *       ChatCompletionChunk}, {@code validate()}d (all required fields present and well typed), and
 *       fed to {@link ChatCompletionAccumulator}; the accumulated {@link ChatCompletion} is validated
 *       too.
 *   <li>Stream invariants: one {@code id}, {@code created} and {@code model} on every chunk;
 *       {@code choices[0].index == 0}; the first chunk is {@code {"role":"assistant","content":""}};
 *       a tool call's first delta carries {@code id}, {@code type: function} and its name, later
 *       ones never do; indexes are announced in order 0, 1, 2…; a successful stream ends with
 *       {@code [DONE]}, a failed one with exactly one error payload and no {@code [DONE]}.
 * </ul>
 */
final class ChatStreamCheck {
    private static final ObjectMapper OPENAI = ObjectMappers.jsonMapper();

    private ChatStreamCheck() {}

    /** What a client got from one stream. */
    record Outcome(
            @Nullable ChatCompletion completionOrNull,
            @Nullable ErrorObject errorOrNull,
            String reasoning,
            List<String> payloads) {

        ChatCompletion completion() {
            assertThat(errorOrNull).as("stream failed with %s", errorOrNull).isNull();
            return Objects.requireNonNull(completionOrNull, "completion");
        }

        ErrorObject error() {
            return Objects.requireNonNull(errorOrNull, "the stream did not fail");
        }

        ChatCompletion.Choice choice() {
            return completion().choices().get(0);
        }

        String content() {
            return choice().message().content().orElse("");
        }

        String finishReason() {
            return choice().finishReason().asString();
        }

        List<ChatCompletionMessageFunctionToolCall> toolCalls() {
            return choice().message().toolCalls().orElse(List.of()).stream()
                    .map(ChatCompletionMessageToolCall::asFunction)
                    .toList();
        }
    }

    /** Feeds Responses SSE text to {@code stream}, as decoded events, then EOF. */
    static Outcome replay(ChatCompletionStream stream, String sseText, String reasoningField) {
        SseDecoder decoder = SseDecoder.create();
        List<String> payloads = new ArrayList<>();
        for (SseEvent event : decoder.feed(sseText)) {
            payloads.addAll(stream.onEvent(event));
        }
        for (SseEvent event : decoder.finish()) {
            payloads.addAll(stream.onEvent(event));
        }
        payloads.addAll(stream.onEnd());
        return read(payloads, reasoningField);
    }

    /** Feeds event data payloads to {@code stream}, then EOF, and reads the result. */
    static Outcome feed(ChatCompletionStream stream, List<String> eventData, String reasoningField) {
        List<String> payloads = new ArrayList<>();
        for (String data : eventData) {
            payloads.addAll(stream.onData(data));
        }
        payloads.addAll(stream.onEnd());
        return read(payloads, reasoningField);
    }

    /** Reads the payloads a stream emitted, checking everything listed in the class comment. */
    static Outcome read(List<String> payloads, String reasoningField) {
        List<String> wire = throughTheWire(payloads);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        StringBuilder reasoning = new StringBuilder();
        ErrorObject error = null;
        boolean done = false;
        JsonNode first = null;
        Map<Long, String> callIds = new HashMap<>();
        for (int i = 0; i < wire.size(); i++) {
            String payload = wire.get(i);
            assertThat(done).as("payload after [DONE]: %s", payload).isFalse();
            assertThat(error).as("payload after the error: %s", payload).isNull();
            if (payload.equals(ChatCompletionStream.DONE)) {
                done = true;
                continue;
            }
            JsonNode tree = tree(payload);
            if (tree.has("error")) {
                // openai-java's SseHandler throws SseException carrying this ErrorObject.
                error = parse(tree.get("error").toString(), ErrorObject.class);
                error.validate();
                continue;
            }
            ChatCompletionChunk chunk = parse(payload, ChatCompletionChunk.class);
            chunk.validate();
            assertThat(tree.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (first == null) {
                first = tree;
                assertThat(tree.path("choices").path(0).path("delta").toString())
                        .as("first chunk")
                        .isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
            } else {
                assertThat(tree.path("id")).isEqualTo(first.path("id"));
                assertThat(tree.path("created")).isEqualTo(first.path("created"));
                assertThat(tree.path("model")).isEqualTo(first.path("model"));
            }
            for (JsonNode choice : tree.path("choices")) {
                assertThat(choice.path("index").asInt(-1)).isZero();
                JsonNode delta = choice.path("delta");
                if (delta.path(reasoningField).isTextual()) {
                    reasoning.append(delta.path(reasoningField).textValue());
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    long index = call.path("index").asLong(-1);
                    if (!callIds.containsKey(index)) {
                        assertThat(index)
                                .as("tool call indexes are announced in order")
                                .isEqualTo(callIds.size());
                        assertThat(call.path("id").isTextual())
                                .as("first delta of call %d has an id", index)
                                .isTrue();
                        assertThat(call.path("type").asText()).isEqualTo("function");
                        assertThat(call.path("function").path("name").isTextual())
                                .isTrue();
                        callIds.put(index, call.path("id").textValue());
                    } else {
                        assertThat(call.has("id") || call.path("function").has("name"))
                                .as("a later delta of call %d repeats its id or name", index)
                                .isFalse();
                    }
                }
            }
            accumulator.accumulate(chunk);
        }
        if (error != null) {
            assertThat(done).as("a failed stream has no [DONE]").isFalse();
            return new Outcome(null, error, reasoning.toString(), wire);
        }
        assertThat(done).as("a successful stream ends with [DONE]").isTrue();
        ChatCompletion completion = accumulator.chatCompletion();
        completion.validate();
        return new Outcome(completion, null, reasoning.toString(), wire);
    }

    /** Writes the payloads as a text/event-stream body and decodes them again. */
    private static List<String> throughTheWire(List<String> payloads) {
        StringBuilder body = new StringBuilder();
        for (String payload : payloads) {
            body.append(SseEncoder.encodeData(payload));
        }
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>(decoder.feed(body));
        events.addAll(decoder.finish());
        List<String> decoded = new ArrayList<>();
        for (SseEvent event : events) {
            assertThat(event.event()).as("data-only events").isEqualTo("message");
            decoded.add(event.data());
        }
        assertThat(decoded).isEqualTo(payloads);
        return decoded;
    }

    static JsonNode tree(String json) {
        try {
            return OPENAI.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T parse(String json, Class<T> type) {
        try {
            return OPENAI.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
