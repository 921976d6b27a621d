package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.SseEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one Responses event stream and keeps its invariants in one place: {@code sequence_number}
 * starts at 0 and increases by one, output indexes count the items, every item is written whole
 * ({@code output_item.added}, its parts and deltas, {@code output_item.done}) so at most one item is
 * ever open, and exactly one terminal event ({@code response.completed} or {@code response.failed})
 * comes last, carrying {@code output[]} equal to the items announced done.
 *
 * <p>Event shapes follow the real streams Codex 0.169 accepted (docs/codex-wire.md §6 and
 * {@code fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/codex-0.169.0/sse/*.sse}), with the optional {@code in_progress}, {@code
 * content_part.*} and {@code *.done} events included so that strict SDK accumulators are satisfied
 * too. Single use and not thread-safe.
 */
final class ResponseEventWriter {
    private final String responseId;
    private final String model;
    private final long createdAt;
    private final List<ObjectNode> pending = new ArrayList<>();
    private final ArrayNode output = CodexJson.MAPPER.createArrayNode();
    private int sequenceNumber;
    private boolean started;
    private boolean terminal;

    ResponseEventWriter(String responseId, String model, long createdAtEpochSeconds) {
        this.responseId = responseId;
        this.model = model;
        this.createdAt = createdAtEpochSeconds;
    }

    /** Writes {@code response.created} and {@code response.in_progress}. */
    void start() {
        if (started) {
            throw new IllegalStateException("stream already started");
        }
        started = true;
        ObjectNode created = event("response.created");
        created.set("response", response("in_progress"));
        ObjectNode inProgress = event("response.in_progress");
        inProgress.set("response", response("in_progress"));
    }

    /** Writes a complete assistant message item whose text arrives in one delta. */
    void message(String itemId, String text) {
        int index = beginItem();
        ObjectNode added = event("response.output_item.added");
        added.put("output_index", index);
        ObjectNode openItem = added.putObject("item");
        openItem.put("type", "message").put("id", itemId).put("status", "in_progress");
        openItem.put("role", "assistant");
        openItem.putArray("content");

        ObjectNode partAdded = itemEvent("response.content_part.added", itemId, index);
        partAdded.put("content_index", 0);
        partAdded.set("part", outputText(""));

        ObjectNode delta = itemEvent("response.output_text.delta", itemId, index);
        delta.put("content_index", 0).put("delta", text);
        delta.putArray("logprobs");

        ObjectNode textDone = itemEvent("response.output_text.done", itemId, index);
        textDone.put("content_index", 0).put("text", text);
        textDone.putArray("logprobs");

        ObjectNode partDone = itemEvent("response.content_part.done", itemId, index);
        partDone.put("content_index", 0);
        partDone.set("part", outputText(text));

        ObjectNode item = CodexJson.MAPPER.createObjectNode();
        item.put("type", "message").put("id", itemId).put("status", "completed");
        item.put("role", "assistant");
        item.putArray("content").add(outputText(text));
        endItem(index, item);
    }

    /**
     * Writes a complete reasoning item with one summary paragraph. docs/codex-wire.md §2.1: a reasoning
     * item without {@code summary} is dropped by Codex, so the added item carries {@code "summary":[]}.
     */
    void reasoning(String itemId, String summaryText) {
        int index = beginItem();
        ObjectNode added = event("response.output_item.added");
        added.put("output_index", index);
        ObjectNode openItem = added.putObject("item");
        openItem.put("type", "reasoning").put("id", itemId);
        openItem.putArray("summary");

        ObjectNode partAdded = itemEvent("response.reasoning_summary_part.added", itemId, index);
        partAdded.put("summary_index", 0);
        partAdded.set("part", summaryText(""));

        ObjectNode delta = itemEvent("response.reasoning_summary_text.delta", itemId, index);
        delta.put("summary_index", 0).put("delta", summaryText);

        ObjectNode textDone = itemEvent("response.reasoning_summary_text.done", itemId, index);
        textDone.put("summary_index", 0).put("text", summaryText);

        ObjectNode partDone = itemEvent("response.reasoning_summary_part.done", itemId, index);
        partDone.put("summary_index", 0);
        partDone.set("part", summaryText(summaryText));

        ObjectNode item = CodexJson.MAPPER.createObjectNode();
        item.put("type", "reasoning").put("id", itemId);
        item.putArray("summary").add(summaryText(summaryText));
        endItem(index, item);
    }

    /** Writes a complete {@code function_call} item whose arguments arrive in one delta. */
    void functionCall(String itemId, String callId, String name, String arguments) {
        int index = beginItem();
        ObjectNode added = event("response.output_item.added");
        added.put("output_index", index);
        ObjectNode openItem = added.putObject("item");
        openItem.put("type", "function_call").put("id", itemId).put("status", "in_progress");
        openItem.put("call_id", callId).put("name", name).put("arguments", "");

        itemEvent("response.function_call_arguments.delta", itemId, index).put("delta", arguments);
        itemEvent("response.function_call_arguments.done", itemId, index).put("arguments", arguments);

        ObjectNode item = CodexJson.MAPPER.createObjectNode();
        item.put("type", "function_call").put("id", itemId).put("status", "completed");
        item.put("call_id", callId).put("name", name).put("arguments", arguments);
        endItem(index, item);
    }

    /**
     * Writes {@code response.completed}. docs/codex-wire.md §2.1: {@code usage} needs {@code
     * input_tokens}, {@code output_tokens} and {@code total_tokens}; {@code usage} is built by the
     * caller.
     */
    void completed(ObjectNode usage) {
        requireOpen();
        terminal = true;
        ObjectNode response = response("completed");
        response.set("output", output.deepCopy());
        response.set("usage", usage);
        event("response.completed").set("response", response);
    }

    /** Writes {@code response.failed} with an OpenAI error {@code code} and {@code message}. */
    void failed(String code, String message) {
        requireOpen();
        terminal = true;
        ObjectNode response = response("failed");
        response.set("output", output.deepCopy());
        response.putObject("error").put("code", code).put("message", message);
        event("response.failed").set("response", response);
    }

    /** Whether the terminal event has been written. */
    boolean isTerminal() {
        return terminal;
    }

    /** Returns the events written since the last call, oldest first, and forgets them. */
    List<SseEvent> drain() {
        List<SseEvent> events = new ArrayList<>(pending.size());
        for (ObjectNode event : pending) {
            events.add(SseEvent.of(event.get("type").asText(), CodexJson.write(event)));
        }
        pending.clear();
        return List.copyOf(events);
    }

    private int beginItem() {
        requireOpen();
        return output.size();
    }

    private void endItem(int index, ObjectNode item) {
        ObjectNode done = event("response.output_item.done");
        done.put("output_index", index);
        done.set("item", item);
        output.add(item.deepCopy());
    }

    private void requireOpen() {
        if (!started) {
            throw new IllegalStateException("stream not started");
        }
        if (terminal) {
            throw new IllegalStateException("stream already ended");
        }
    }

    private ObjectNode response(String status) {
        ObjectNode response = CodexJson.MAPPER.createObjectNode();
        response.put("id", responseId).put("object", "response").put("created_at", createdAt);
        response.put("status", status).put("model", model);
        response.putArray("output");
        return response;
    }

    private ObjectNode itemEvent(String type, String itemId, int outputIndex) {
        ObjectNode event = event(type);
        event.put("item_id", itemId).put("output_index", outputIndex);
        return event;
    }

    /**
     * Creates an event with its type and sequence number and queues it; callers add the remaining
     * fields before the next {@link #drain()}, which serialises the queue.
     */
    private ObjectNode event(String type) {
        ObjectNode event = CodexJson.MAPPER.createObjectNode();
        event.put("type", type).put("sequence_number", sequenceNumber++);
        pending.add(event);
        return event;
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = CodexJson.MAPPER.createObjectNode();
        part.put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode summaryText(String text) {
        return CodexJson.MAPPER.createObjectNode().put("type", "summary_text").put("text", text);
    }
}
