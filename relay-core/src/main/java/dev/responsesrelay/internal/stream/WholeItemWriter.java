package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.stream.EventWriter.TextPart;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Responses events of an answer that is not translated from a Chat stream and whose items are
 * known whole when they are written: the relay server's answer to a WebSocket prewarm ({@code
 * generate: false}, {@link #prewarm}) and Codex as a model (relay-examples' {@code
 * CodexEventMapper}). It writes through the one {@link EventWriter}, so these answers have the
 * same event and object shapes and the same {@code sequence_number} rule as the translator's.
 *
 * <p>The stream's invariants are kept here: {@link #start()} once and first, items are written
 * whole ({@code output_item.added}, parts and deltas, {@code output_item.done}) so at most one is
 * ever open, and exactly one terminal event comes last, with {@code output[]} equal to the items
 * written. A call out of that order throws {@link IllegalStateException}. Not thread-safe.
 */
public final class WholeItemWriter {
    /** No request fields to echo: the response objects carry the API's defaults for them. */
    private static final ObjectNode NO_ECHO = JsonNodeFactory.instance.objectNode();

    private final String responseId;
    private final String model;
    private final long createdAt;
    private final EventWriter out = new EventWriter();
    private final List<String> output = new ArrayList<>();
    private boolean started;
    private boolean terminal;

    /**
     * A writer for one response.
     *
     * @param createdAt {@code created_at}, in epoch seconds
     */
    public WholeItemWriter(String responseId, String model, long createdAt) {
        this.responseId = Objects.requireNonNull(responseId, "responseId == null");
        this.model = Objects.requireNonNull(model, "model == null");
        this.createdAt = createdAt;
    }

    /**
     * The whole answer to a WebSocket prewarm ({@code generate: false}): {@code response.created}
     * then {@code response.completed}, with no output and zero usage. OpenAI's WebSocket mode
     * answers a prewarm with a response whose id later requests chain from
     * (docs/research/codex-websocket-and-remote-compaction.md).
     */
    public static List<SseEvent> prewarm(String responseId, String model, long createdAt) {
        WholeItemWriter writer = new WholeItemWriter(responseId, model, createdAt);
        writer.started = true;
        writer.out.responseEvent(EventTypes.CREATED, writer.response("in_progress", null, null));
        writer.completed(0, 0, 0, 0);
        return writer.drain();
    }

    /** {@code response.created} and {@code response.in_progress}. */
    public void start() {
        if (started) {
            throw new IllegalStateException("stream already started");
        }
        started = true;
        String response = response("in_progress", null, null);
        out.responseEvent(EventTypes.CREATED, response);
        out.responseEvent(EventTypes.IN_PROGRESS, response);
    }

    /** An assistant {@code message} item whose text arrives in one delta. */
    public void message(String itemId, String text) {
        int index = beginItem();
        out.outputItemAdded(index, out.messageItem(itemId, "in_progress", null));
        streamText(TextPart.OUTPUT_TEXT, itemId, index, text);
        endItem(index, out.messageItem(itemId, "completed", text));
    }

    /**
     * A {@code reasoning} item with one summary paragraph; as the translator's, it is added with
     * {@code summary: []}, which Codex needs present (docs/codex-wire.md §2.1).
     */
    public void reasoning(String itemId, String summary) {
        int index = beginItem();
        out.outputItemAdded(index, out.reasoningItem(itemId, null, null));
        streamText(TextPart.SUMMARY_TEXT, itemId, index, summary);
        endItem(index, out.reasoningItem(itemId, summary, null));
    }

    /** A {@code function_call} item whose arguments arrive in one delta. */
    public void functionCall(String itemId, String callId, String name, String arguments) {
        int index = beginItem();
        out.outputItemAdded(index, out.callItem(false, itemId, "in_progress", callId, name, null, ""));
        out.argumentsDelta(itemId, index, arguments);
        out.argumentsDone(itemId, index, name, arguments);
        endItem(index, out.callItem(false, itemId, "completed", callId, name, null, arguments));
    }

    /**
     * {@code response.completed}. {@code outputTokens} include the reasoning tokens, as in the
     * Responses API, so {@code total_tokens} is input plus output.
     */
    public void completed(long inputTokens, long cachedTokens, long outputTokens, long reasoningTokens) {
        requireOpen();
        terminal = true;
        UsageAccumulator.Totals usage = new UsageAccumulator.Totals(
                inputTokens, cachedTokens, 0, outputTokens, reasoningTokens, inputTokens + outputTokens);
        out.responseEvent(EventTypes.COMPLETED, response("completed", usage, null));
    }

    /**
     * {@code response.failed}, with the items written so far and {@code error}. Usage is unknown and
     * written as zeros, as the translator does for an upstream that reported none.
     */
    public void failed(RelayError error) {
        requireOpen();
        terminal = true;
        out.responseEvent(EventTypes.FAILED, response("failed", UsageAccumulator.Totals.ZERO, error));
    }

    /** Whether the terminal event has been written. */
    public boolean isTerminal() {
        return terminal;
    }

    /** The events written since the last call, in order. */
    public List<SseEvent> drain() {
        return out.drain();
    }

    private void streamText(TextPart part, String itemId, int index, String text) {
        out.partAdded(part, itemId, index);
        out.textDelta(part, itemId, index, text);
        out.textDone(part, itemId, index, text);
        out.partDone(part, itemId, index, text);
    }

    private int beginItem() {
        requireOpen();
        return output.size();
    }

    private void endItem(int index, String itemJson) {
        out.outputItemDone(index, itemJson);
        output.add(itemJson);
    }

    private void requireOpen() {
        if (!started) {
            throw new IllegalStateException("stream not started");
        }
        if (terminal) {
            throw new IllegalStateException("stream already ended");
        }
    }

    private String response(String status, UsageAccumulator.@Nullable Totals usage, @Nullable RelayError error) {
        return out.responseObject(responseId, createdAt, model, NO_ECHO, status, output, usage, error, null);
    }
}
