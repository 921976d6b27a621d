package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.CharBufferWriter;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes Responses stream events and the objects inside them, and owns {@code sequence_number}: the
 * one class that knows the wire format. One {@link JsonGenerator} writes every event into a reused
 * buffer; item and response objects are written once as text and embedded raw wherever they repeat
 * ({@code output_item.done} and the terminal {@code output[]}).
 *
 * <p>Field order follows the OpenAI API ({@code type} first, then {@code sequence_number}). Events
 * collect in order until {@link #drain()}. Not thread-safe.
 */
final class EventWriter {
    /** Fields of the response object the translator owns; the request echo never overrides them. */
    private static final Set<String> OWNED_RESPONSE_FIELDS = Set.of(
            "id",
            "object",
            "created_at",
            "status",
            "error",
            "incomplete_details",
            "model",
            "output",
            "output_text",
            "usage");

    /**
     * Fields openai-java's {@code Response} requires (nullable ones included), with the API's
     * defaults: written when the request echo does not carry them. Pairs of name and JSON value.
     */
    private static final String[][] REQUIRED_RESPONSE_DEFAULTS = {
        {"instructions", "null"},
        {"metadata", "{}"},
        {"parallel_tool_calls", "true"},
        {"temperature", "null"},
        {"tool_choice", "\"auto\""},
        {"tools", "[]"},
        {"top_p", "null"},
    };

    private static final String TERMINAL_RESPONSE_FIELD = "response";
    /** The key as written: the generator writes no spaces. */
    private static final String TERMINAL_RESPONSE_KEY = "\"" + TERMINAL_RESPONSE_FIELD + "\":";

    private final CharBufferWriter buffer = new CharBufferWriter();
    private final JsonGenerator g;
    private final List<SseEvent> events = new ArrayList<>(8);
    private int sequenceNumber;
    /** The {@code sequence_number} of the first event not yet handed out by {@link #drain()}. */
    private int firstUndrained;

    /**
     * Whether item events are dropped instead of written: a remote-compaction answer holds back the
     * items of the summarising exchange and announces one {@code compaction} item instead (see
     * {@link dev.responsesrelay.internal.codex.Compaction}). Dropped events take no {@code sequence_number}, so the numbers the
     * client sees have no gaps.
     */
    private boolean itemEventsHeld;

    EventWriter() {
        this(0);
    }

    private EventWriter(int sequenceNumber) {
        this.sequenceNumber = sequenceNumber;
        this.firstUndrained = sequenceNumber;
        try {
            g = Json.MAPPER.createGenerator(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Each event and object is its own root value; no separator between them.
        g.setRootValueSeparator(null);
    }

    /** Drops item events from now on (true) or writes them again (false); see {@link #itemEventsHeld}. */
    void holdItemEvents(boolean held) {
        itemEventsHeld = held;
    }

    /** The events written since the last call, in order. */
    List<SseEvent> drain() {
        if (events.isEmpty()) {
            return List.of();
        }
        List<SseEvent> out = List.copyOf(events);
        events.clear();
        firstUndrained = sequenceNumber;
        return out;
    }

    /** Whether events were begun since the last {@link #drain()} (written whole or not). */
    boolean hasUndrained() {
        return sequenceNumber != firstUndrained;
    }

    /**
     * A new writer whose first event takes the number of this one's first undrained event: for
     * {@link ResponsesStream#abort}, after a write into this one's generator may have stopped
     * halfway through an object. This writer's undrained events are dropped, and their numbers.
     */
    EventWriter successor() {
        events.clear();
        sequenceNumber = firstUndrained;
        return new EventWriter(firstUndrained);
    }

    // ---------------------------------------------------------------------------------------------
    // Response lifecycle

    /** {@code response.created}, {@code response.in_progress} or a terminal event. */
    void responseEvent(String type, String responseJson) {
        try {
            begin(type);
            g.writeFieldName("response");
            g.writeRawValue(responseJson);
            end(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Responses {@code response} object: the translator's own fields, then the request echo, then
     * defaults for required fields the echo lacks, then model, output and usage.
     *
     * @param output item objects, as written by the item methods below
     * @param usage null while in progress ({@code usage: null}); always present when terminal
     */
    String responseObject(
            StreamContext context,
            String status,
            List<String> output,
            UsageAccumulator.@Nullable Totals usage,
            @Nullable RelayError error,
            @Nullable String incompleteReason) {
        try {
            writeResponse(context, status, output, usage, error, incompleteReason);
            return take();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #responseObject(StreamContext, String, List, UsageAccumulator.Totals, RelayError,
     * String)}, for a response that has no {@link StreamContext} (see {@link WholeItemWriter}).
     */
    String responseObject(
            String responseId,
            long createdAt,
            String model,
            JsonNode echo,
            String status,
            List<String> output,
            UsageAccumulator.@Nullable Totals usage,
            @Nullable RelayError error,
            @Nullable String incompleteReason) {
        try {
            writeResponse(responseId, createdAt, model, echo, status, output, usage, error, incompleteReason);
            return take();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A terminal event with its {@code response} written in place, not first as a text of its own:
     * for a long answer that text is as large as the answer (issue 18). {@link #terminalResponse}
     * finds the response in the event's data.
     */
    SseEvent terminalEvent(
            String type,
            StreamContext context,
            String status,
            List<String> output,
            UsageAccumulator.Totals usage,
            @Nullable RelayError error,
            @Nullable String incompleteReason) {
        try {
            begin(type);
            g.writeFieldName(TERMINAL_RESPONSE_FIELD);
            writeResponse(context, status, output, usage, error, incompleteReason);
            end(type);
            return events.get(events.size() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code response} object inside a terminal event {@link #terminalEvent} wrote: its data is
     * {@code {"type":…,"sequence_number":…,"response":{…}}}, so the response is what follows the
     * one {@code "response":} key up to the closing brace.
     */
    static String terminalResponse(SseEvent terminal) {
        String data = terminal.data();
        int key = data.indexOf(TERMINAL_RESPONSE_KEY);
        if (key < 0 || !data.endsWith("}")) {
            throw new IllegalStateException("not a terminal event this writer wrote: " + terminal.event());
        }
        return data.substring(key + TERMINAL_RESPONSE_KEY.length(), data.length() - 1);
    }

    private void writeResponse(
            StreamContext context,
            String status,
            List<String> output,
            UsageAccumulator.@Nullable Totals usage,
            @Nullable RelayError error,
            @Nullable String incompleteReason)
            throws IOException {
        writeResponse(
                context.responseId(),
                context.createdAt(),
                context.model(),
                context.responseEcho(),
                status,
                output,
                usage,
                error,
                incompleteReason);
    }

    private void writeResponse(
            String responseId,
            long createdAt,
            String model,
            JsonNode echo,
            String status,
            List<String> output,
            UsageAccumulator.@Nullable Totals usage,
            @Nullable RelayError error,
            @Nullable String incompleteReason)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", responseId);
        g.writeStringField("object", "response");
        g.writeNumberField("created_at", createdAt);
        g.writeStringField("status", status);
        g.writeFieldName("error");
        if (error == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeStringField("code", error.code().orElse("server_error"));
            g.writeStringField("message", error.message());
            g.writeStringField("type", error.type());
            g.writeEndObject();
        }
        g.writeFieldName("incomplete_details");
        if (incompleteReason == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeStringField("reason", incompleteReason);
            g.writeEndObject();
        }
        for (Map.Entry<String, JsonNode> field : echo.properties()) {
            if (!OWNED_RESPONSE_FIELDS.contains(field.getKey())) {
                g.writeFieldName(field.getKey());
                g.writeTree(field.getValue());
            }
        }
        for (String[] required : REQUIRED_RESPONSE_DEFAULTS) {
            if (!echo.has(required[0])) {
                g.writeFieldName(required[0]);
                g.writeRawValue(required[1]);
            }
        }
        g.writeStringField("model", model);
        g.writeArrayFieldStart("output");
        for (String item : output) {
            g.writeRawValue(item);
        }
        g.writeEndArray();
        g.writeFieldName("usage");
        if (usage == null) {
            g.writeNull();
        } else {
            writeUsage(usage);
        }
        g.writeEndObject();
    }

    private void writeUsage(UsageAccumulator.Totals usage) throws IOException {
        g.writeStartObject();
        g.writeNumberField("input_tokens", usage.inputTokens());
        g.writeObjectFieldStart("input_tokens_details");
        g.writeNumberField("cached_tokens", usage.cachedTokens());
        g.writeNumberField("cache_write_tokens", usage.cacheWriteTokens());
        g.writeEndObject();
        g.writeNumberField("output_tokens", usage.outputTokens());
        g.writeObjectFieldStart("output_tokens_details");
        g.writeNumberField("reasoning_tokens", usage.reasoningTokens());
        g.writeEndObject();
        g.writeNumberField("total_tokens", usage.totalTokens());
        g.writeEndObject();
    }

    // ---------------------------------------------------------------------------------------------
    // Item objects

    /** A {@code message} item; {@code text} null gives {@code content: []} (as announced). */
    String messageItem(String id, String status, @Nullable CharSequence text) {
        try {
            g.writeStartObject();
            g.writeStringField("type", "message");
            g.writeStringField("id", id);
            g.writeStringField("status", status);
            g.writeStringField("role", "assistant");
            g.writeArrayFieldStart("content");
            if (text != null) {
                writeTextPart(TextPart.OUTPUT_TEXT, text);
            }
            g.writeEndArray();
            g.writeEndObject();
            return take();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code reasoning} item. {@code summary} null gives {@code summary: []}, which Codex needs
     * present (docs/codex-wire.md §2.1: a reasoning item without summary is dropped).
     */
    String reasoningItem(String id, @Nullable CharSequence summary, @Nullable String encryptedContent) {
        try {
            g.writeStartObject();
            g.writeStringField("type", "reasoning");
            g.writeStringField("id", id);
            g.writeArrayFieldStart("summary");
            if (summary != null) {
                writeTextPart(TextPart.SUMMARY_TEXT, summary);
            }
            g.writeEndArray();
            if (encryptedContent != null) {
                g.writeStringField("encrypted_content", encryptedContent);
            }
            g.writeEndObject();
            return take();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code function_call} item with its {@code arguments}, or with {@code custom} a {@code
     * custom_tool_call} item whose {@code input} is the raw freeform text; {@code namespace}
     * restores a namespaced tool's address.
     */
    String callItem(
            boolean custom,
            String id,
            String status,
            String callId,
            String name,
            @Nullable String namespace,
            CharSequence payload) {
        try {
            g.writeStartObject();
            g.writeStringField("type", custom ? "custom_tool_call" : "function_call");
            g.writeStringField("id", id);
            g.writeStringField("status", status);
            g.writeStringField("call_id", callId);
            g.writeStringField("name", name);
            if (namespace != null) {
                g.writeStringField("namespace", namespace);
            }
            writeTextField(custom ? "input" : "arguments", payload);
            g.writeEndObject();
            return take();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The one {@code compaction} item of a remote-compaction answer: type, id and a string {@code
     * encrypted_content} (docs/research/codex-websocket-and-remote-compaction.md §3.3).
     */
    String compactionItem(String id, String encryptedContent) {
        try {
            g.writeStartObject();
            g.writeStringField("type", "compaction");
            g.writeStringField("id", id);
            g.writeStringField("encrypted_content", encryptedContent);
            g.writeEndObject();
            return take();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Item events (dropped while held, see itemEventsHeld)

    void outputItemAdded(int outputIndex, String itemJson) {
        outputItem(EventTypes.OUTPUT_ITEM_ADDED, outputIndex, itemJson);
    }

    void outputItemDone(int outputIndex, String itemJson) {
        outputItem(EventTypes.OUTPUT_ITEM_DONE, outputIndex, itemJson);
    }

    private void outputItem(String type, int outputIndex, String itemJson) {
        if (itemEventsHeld) {
            return;
        }
        try {
            begin(type);
            g.writeNumberField("output_index", outputIndex);
            g.writeFieldName("item");
            g.writeRawValue(itemJson);
            end(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The two streamed texts, which share one event lifecycle (part added, text deltas, text done,
     * part done) and differ in names: a message's {@code output_text} part and a reasoning item's
     * {@code summary_text} part.
     */
    enum TextPart {
        OUTPUT_TEXT(
                "output_text",
                "content_index",
                EventTypes.CONTENT_PART_ADDED,
                EventTypes.OUTPUT_TEXT_DELTA,
                EventTypes.OUTPUT_TEXT_DONE,
                EventTypes.CONTENT_PART_DONE),
        SUMMARY_TEXT(
                "summary_text",
                // Codex requires summary_index on summary deltas (docs/codex-wire.md §2.1).
                "summary_index",
                EventTypes.REASONING_SUMMARY_PART_ADDED,
                EventTypes.REASONING_SUMMARY_TEXT_DELTA,
                EventTypes.REASONING_SUMMARY_TEXT_DONE,
                EventTypes.REASONING_SUMMARY_PART_DONE);

        final String partType;
        final String indexField;
        final String partAdded;
        final String textDelta;
        final String textDone;
        final String partDone;

        TextPart(
                String partType,
                String indexField,
                String partAdded,
                String textDelta,
                String textDone,
                String partDone) {
            this.partType = partType;
            this.indexField = indexField;
            this.partAdded = partAdded;
            this.textDelta = textDelta;
            this.textDone = textDone;
            this.partDone = partDone;
        }
    }

    /** {@code content_part.added} or {@code reasoning_summary_part.added}, with an empty part. */
    void partAdded(TextPart part, String itemId, int outputIndex) {
        partEvent(part, part.partAdded, itemId, outputIndex, "");
    }

    /** {@code content_part.done} or {@code reasoning_summary_part.done}, with the whole text. */
    void partDone(TextPart part, String itemId, int outputIndex, CharSequence text) {
        partEvent(part, part.partDone, itemId, outputIndex, text);
    }

    private void partEvent(TextPart part, String type, String itemId, int outputIndex, CharSequence text) {
        if (itemEventsHeld) {
            return;
        }
        try {
            beginItemEvent(type, itemId, outputIndex);
            g.writeNumberField(part.indexField, 0);
            g.writeFieldName("part");
            writeTextPart(part, text);
            end(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code output_text.delta} or {@code reasoning_summary_text.delta}. */
    void textDelta(TextPart part, String itemId, int outputIndex, String delta) {
        textEvent(part, part.textDelta, itemId, outputIndex, "delta", delta);
    }

    /** {@code output_text.done} or {@code reasoning_summary_text.done}. */
    void textDone(TextPart part, String itemId, int outputIndex, CharSequence text) {
        textEvent(part, part.textDone, itemId, outputIndex, "text", text);
    }

    private void textEvent(
            TextPart part, String type, String itemId, int outputIndex, String field, CharSequence text) {
        if (itemEventsHeld) {
            return;
        }
        try {
            beginItemEvent(type, itemId, outputIndex);
            g.writeNumberField(part.indexField, 0);
            writeTextField(field, text);
            if (part == TextPart.OUTPUT_TEXT) {
                // openai-java requires logprobs on text delta/done events; the Chat stream has none.
                g.writeArrayFieldStart("logprobs");
                g.writeEndArray();
            }
            end(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void argumentsDelta(String itemId, int outputIndex, String delta) {
        simpleItemEvent(EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA, itemId, outputIndex, null, "delta", delta);
    }

    /** {@code function_call_arguments.done}, with {@code name} as the current API sends it. */
    void argumentsDone(String itemId, int outputIndex, String name, CharSequence arguments) {
        simpleItemEvent(EventTypes.FUNCTION_CALL_ARGUMENTS_DONE, itemId, outputIndex, name, "arguments", arguments);
    }

    void customInputDelta(String itemId, int outputIndex, String delta) {
        simpleItemEvent(EventTypes.CUSTOM_TOOL_CALL_INPUT_DELTA, itemId, outputIndex, null, "delta", delta);
    }

    void customInputDone(String itemId, int outputIndex, CharSequence input) {
        simpleItemEvent(EventTypes.CUSTOM_TOOL_CALL_INPUT_DONE, itemId, outputIndex, null, "input", input);
    }

    private void simpleItemEvent(
            String type, String itemId, int outputIndex, @Nullable String name, String field, CharSequence value) {
        if (itemEventsHeld) {
            return;
        }
        try {
            beginItemEvent(type, itemId, outputIndex);
            if (name != null) {
                g.writeStringField("name", name);
            }
            writeTextField(field, value);
            end(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** An {@code output_text} part (with its {@code annotations}) or a {@code summary_text} part. */
    private void writeTextPart(TextPart part, CharSequence text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", part.partType);
        writeTextField("text", text);
        if (part == TextPart.OUTPUT_TEXT) {
            g.writeArrayFieldStart("annotations");
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * Writes {@code name: text}. An accumulated text (a builder, not a {@code String}) is read from
     * where it is instead of being copied into a {@code String} first: the terminal events of a long
     * answer repeat its text three times (issue 18), and each copy would be a transient the size of
     * the answer.
     */
    private void writeTextField(String name, CharSequence text) throws IOException {
        if (text instanceof String string) {
            g.writeStringField(name, string);
        } else {
            g.writeFieldName(name);
            g.writeString(new CharSequenceReader(text), text.length());
        }
    }

    /** Reads a {@link CharSequence} where it is, in the chunks the generator asks for. */
    private static final class CharSequenceReader extends Reader {
        private final CharSequence text;
        private int next;

        CharSequenceReader(CharSequence text) {
            this.text = text;
        }

        @Override
        public int read(char[] into, int offset, int count) {
            int n = Math.min(count, text.length() - next);
            if (n <= 0) {
                return count == 0 ? 0 : -1;
            }
            if (text instanceof StringBuilder builder) {
                builder.getChars(next, next + n, into, offset);
            } else {
                for (int i = 0; i < n; i++) {
                    into[offset + i] = text.charAt(next + i);
                }
            }
            next += n;
            return n;
        }

        @Override
        public void close() {}
    }

    private void beginItemEvent(String type, String itemId, int outputIndex) throws IOException {
        begin(type);
        g.writeStringField("item_id", itemId);
        g.writeNumberField("output_index", outputIndex);
    }

    private void begin(String type) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeNumberField("sequence_number", sequenceNumber++);
    }

    private void end(String type) throws IOException {
        g.writeEndObject();
        events.add(SseEvent.of(type, take()));
    }

    private String take() throws IOException {
        g.flush();
        return buffer.take();
    }
}
