package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code chat.completion.chunk} payloads. The one place that knows the chunk's wire form:
 * every chunk carries the same {@code id}, {@code created} and {@code model}, and {@code
 * choices[0]} with {@code index: 0}, {@code delta}, {@code logprobs: null} and {@code
 * finish_reason}, in the field order OpenAI uses (docs/dialects.md §0: later chunks carry only the
 * changed delta keys, and the finish reason comes on a chunk of its own with an empty delta).
 */
final class ChatChunkWriter {
    private final ReverseContext context;

    ChatChunkWriter(ReverseContext context) {
        this.context = context;
    }

    /** The first chunk: {@code {"role":"assistant","content":""}}, as OpenAI sends it. */
    String role() {
        return chunk(g -> {
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
        });
    }

    String content(String text) {
        return chunk(g -> g.writeStringField("content", text));
    }

    String refusal(String text) {
        return chunk(g -> g.writeStringField("refusal", text));
    }

    String reasoning(String text) {
        return chunk(g -> g.writeStringField(context.reasoningField(), text));
    }

    /**
     * The first delta of a tool call: {@code index}, {@code id}, {@code type} and {@code
     * function.name}, plus whatever arguments are known so far (OpenAI sends {@code ""}).
     */
    String toolCallStart(int index, String callId, String name, String arguments) {
        return chunk(g -> {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeStringField("id", callId);
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", name);
            g.writeStringField("arguments", arguments);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        });
    }

    /**
     * A later delta of a tool call: its {@code index} and an arguments fragment. The {@code
     * function} object is always present; openai-java's accumulator rejects a tool-call delta
     * without one.
     */
    String toolCallArguments(int index, String fragment) {
        return chunk(g -> {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("function");
            g.writeStringField("arguments", fragment);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        });
    }

    String finish(String finishReason) {
        return write(g -> {
            header(g);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /**
     * The usage chunk that follows the finish chunk when the client asked for {@code
     * stream_options.include_usage}: no choices, only {@code usage}.
     */
    String usage(Usage usage) {
        return write(g -> {
            header(g);
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            usage.write(g);
            g.writeEndObject();
        });
    }

    private String chunk(Body delta) {
        return write(g -> {
            header(g);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeNullField("finish_reason");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void header(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", context.completionId());
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", context.created());
        g.writeStringField("model", context.model());
    }

    static String write(Body body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Writes part of a JSON document. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** Writes a string field, or a JSON null when {@code value} is null. */
    static void writeNullableString(JsonGenerator g, String field, @Nullable String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }
}
