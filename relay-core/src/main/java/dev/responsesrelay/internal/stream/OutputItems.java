package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.StringFieldExtractor;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import dev.responsesrelay.internal.stream.EventWriter.TextPart;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The output items of one answer, and the events of their lifecycle: {@code output_item.added},
 * content parts, deltas, {@code *.done}. {@link StreamMachine} decides when the answer ends; this
 * class keeps the item rules:
 *
 * <ul>
 *   <li><b>One open item at a time</b>, each with its own {@code output_index} and id. Reasoning and
 *       text items are closed as soon as the next item starts.
 *   <li><b>Tool calls are announced live but finished late.</b> The first tool call opens at once and
 *       streams its arguments (or decoded custom input); its {@code *.done} events wait for {@link
 *       #completeAll()}, because Codex executes what it receives in {@code output_item.done}
 *       (docs/codex-wire.md §2.1, §7 item 6). Whatever arrives while a call is open (more calls, text
 *       after the calls) is queued in order and emitted whole at completion.
 * </ul>
 *
 * <p>Not thread-safe; one per stream.
 */
final class OutputItems {
    private final StreamContext context;
    private final EventWriter out;
    private final ToolCallAccumulator toolCalls;
    private final ToolCallResolver resolver;
    private final IdentityHashMap<ToolCallAccumulator.Call, OutputItem.Call> callItems = new IdentityHashMap<>();
    private final ArrayDeque<OutputItem> queued = new ArrayDeque<>();
    private final List<String> doneItems = new ArrayList<>();

    private @Nullable OutputItem open;
    private int nextOutputIndex;

    /**
     * The Chat field the upstream streamed its reasoning in, recorded in the envelope so that a
     * profile that replays reasoning as received can send it back there (issue 13 §4).
     */
    private @Nullable String reasoningSourceField;

    OutputItems(StreamContext context, EventWriter out) {
        this.context = context;
        this.out = out;
        this.toolCalls = new ToolCallAccumulator(context::heal);
        this.resolver = new ToolCallResolver(context);
    }

    /** The first replayable reasoning field the answer used; later ones do not change it. */
    void recordReasoningSource(@Nullable String field) {
        if (reasoningSourceField == null) {
            reasoningSourceField = field;
        }
    }

    /** Whether a tool call has started. */
    boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** Whether no item has been started, queued or finished. */
    boolean isEmpty() {
        return open == null && queued.isEmpty() && doneItems.isEmpty();
    }

    /** The JSON of every item done so far, for the terminal response's {@code output}. */
    List<String> doneItems() {
        return doneItems;
    }

    // ---------------------------------------------------------------------------------------------
    // Input

    /** Appends assistant text: to the open message, to a queued one behind a call, or to a new one. */
    void appendText(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (open instanceof OutputItem.Call || !queued.isEmpty()) {
            if (queued.peekLast() instanceof OutputItem.Text last) {
                last.text.append(text);
            } else {
                OutputItem.Text item = new OutputItem.Text();
                item.text.append(text);
                queued.addLast(item);
            }
            return;
        }
        OutputItem.Text item;
        if (open instanceof OutputItem.Text current) {
            item = current;
        } else {
            closeOpen();
            item = new OutputItem.Text();
            announceText(item);
            open = item;
        }
        item.text.append(text);
        out.textDelta(TextPart.OUTPUT_TEXT, item.id, item.outputIndex, text);
    }

    /** Appends reasoning text and {@code reasoning_details} entries, as {@link #appendText} does text. */
    void appendReasoning(String text, List<JsonNode> details) {
        if (text.isEmpty() && details.isEmpty()) {
            return;
        }
        if (open instanceof OutputItem.Call || !queued.isEmpty()) {
            OutputItem.Reasoning item;
            if (queued.peekLast() instanceof OutputItem.Reasoning last) {
                item = last;
            } else {
                item = new OutputItem.Reasoning();
                queued.addLast(item);
            }
            item.text.append(text);
            item.details.add(details);
            return;
        }
        OutputItem.Reasoning item;
        if (open instanceof OutputItem.Reasoning current) {
            item = current;
        } else {
            closeOpen();
            item = new OutputItem.Reasoning();
            announceReasoning(item);
            open = item;
        }
        item.details.add(details);
        if (!text.isEmpty()) {
            streamReasoning(item, text);
        }
    }

    /**
     * Applies one tool-call delta: a new call ends the text or reasoning before it and queues; a
     * fragment of the open call streams at once.
     *
     * @throws UpstreamProtocolException if the delta needs a repair that is disabled
     */
    void acceptToolCall(ToolCallDelta delta) {
        ToolCallAccumulator.Update update = toolCalls.accept(delta);
        OutputItem.Call item = callItems.get(update.call());
        if (item == null) {
            item = new OutputItem.Call(update.call());
            callItems.put(update.call(), item);
            if (!(open instanceof OutputItem.Call) && queued.isEmpty()) {
                closeOpen(); // a tool call ends the text or reasoning before it
            }
            queued.addLast(item);
        } else if (item == open) {
            streamFragment(item, update.fragment());
        }
        promoteQueuedCall();
    }

    /**
     * Opens the first queued call once nothing else is open and its name is known (custom tool or
     * function can only be decided from the name, and the choice is final once announced).
     */
    private void promoteQueuedCall() {
        if (open == null && queued.peekFirst() instanceof OutputItem.Call head && head.call.name() != null) {
            queued.pollFirst();
            resolver.resolve(head);
            announceCall(head);
            open = head;
            streamFragment(head, head.call.arguments().toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The end of the answer

    /**
     * Works out every call's final payload before the first {@code output_item.done}: after that
     * there is no way back.
     *
     * @throws UpstreamProtocolException if a call cannot be finished without a disabled repair
     */
    void prepareCalls() {
        if (open instanceof OutputItem.Call live) {
            resolver.prepare(live);
        }
        for (OutputItem item : queued) {
            if (item instanceof OutputItem.Call call) {
                resolver.prepare(call);
            }
        }
    }

    /** Closes the open item, emits the queued ones whole, then Gemini's thought signatures. */
    void completeAll() {
        closeOpen();
        while (!queued.isEmpty()) {
            emitQueued(queued.removeFirst());
        }
        emitSignatures();
    }

    /**
     * The answer was cut off: open text or reasoning closes {@code incomplete}. An open tool call
     * stays open: its arguments were cut off, and Codex executes whatever it gets in {@code
     * output_item.done}. Queued items behind it are dropped with it.
     */
    void closeIncomplete() {
        OutputItem item = open;
        if (item instanceof OutputItem.Text || item instanceof OutputItem.Reasoning) {
            close(item, "incomplete");
            open = null;
        }
        queued.clear();
    }

    /**
     * The answer failed: the open item is left open (no {@code output_item.done}), because Codex keeps
     * items it received as done across its retry, so closing a half answer would duplicate it.
     */
    void abandon() {
        queued.clear();
    }

    // ---------------------------------------------------------------------------------------------
    // Item lifecycles

    private void announceText(OutputItem.Text item) {
        item.id = context.ids().newId("msg_");
        item.outputIndex = nextOutputIndex++;
        out.outputItemAdded(item.outputIndex, out.messageItem(item.id, "in_progress", null));
        out.partAdded(TextPart.OUTPUT_TEXT, item.id, item.outputIndex);
    }

    private void announceReasoning(OutputItem.Reasoning item) {
        item.id = context.ids().newId("rs_");
        item.outputIndex = nextOutputIndex++;
        // summary: [] when added; Codex drops a reasoning item without summary (docs/codex-wire.md §2.1).
        out.outputItemAdded(item.outputIndex, out.reasoningItem(item.id, null, null));
    }

    private void streamReasoning(OutputItem.Reasoning item, String text) {
        if (!item.summaryOpen) {
            // Reasoning goes out as a summary part so Codex shows it with default settings; raw
            // reasoning_text events only show with show_raw_agent_reasoning.
            item.summaryOpen = true;
            out.partAdded(TextPart.SUMMARY_TEXT, item.id, item.outputIndex);
        }
        item.text.append(text);
        out.textDelta(TextPart.SUMMARY_TEXT, item.id, item.outputIndex, text);
    }

    private void announceCall(OutputItem.Call item) {
        item.id = context.ids().newId(item.custom ? "ctc_" : "fc_");
        item.outputIndex = nextOutputIndex++;
        String json = out.callItem(item.custom, item.id, "in_progress", item.callId, item.name, item.namespace, "");
        out.outputItemAdded(item.outputIndex, json);
    }

    private void streamFragment(OutputItem.Call item, String fragment) {
        if (fragment.isEmpty()) {
            return;
        }
        StringFieldExtractor extractor = item.extractor;
        if (extractor != null) {
            String input = extractor.feed(fragment);
            if (!input.isEmpty()) {
                item.streamed.append(input);
                out.customInputDelta(item.id, item.outputIndex, input);
            }
        } else {
            item.streamed.append(fragment);
            out.argumentsDelta(item.id, item.outputIndex, fragment);
        }
    }

    private void closeOpen() {
        OutputItem item = open;
        if (item != null) {
            close(item, "completed");
            open = null;
        }
    }

    private void close(OutputItem item, String status) {
        if (item instanceof OutputItem.Text text) {
            out.textDone(TextPart.OUTPUT_TEXT, text.id, text.outputIndex, text.text);
            out.partDone(TextPart.OUTPUT_TEXT, text.id, text.outputIndex, text.text);
            finishItem(text.outputIndex, out.messageItem(text.id, status, text.text));
        } else if (item instanceof OutputItem.Reasoning reasoning) {
            if (reasoning.summaryOpen) {
                out.textDone(TextPart.SUMMARY_TEXT, reasoning.id, reasoning.outputIndex, reasoning.text);
                out.partDone(TextPart.SUMMARY_TEXT, reasoning.id, reasoning.outputIndex, reasoning.text);
            }
            String encrypted = envelope(reasoning);
            finishItem(
                    reasoning.outputIndex,
                    out.reasoningItem(reasoning.id, reasoning.summaryOpen ? reasoning.text : null, encrypted));
        } else if (item instanceof OutputItem.Call call) {
            closeCall(call);
        }
    }

    /**
     * The reasoning item's {@code encrypted_content}: what the next request needs to give the
     * provider back, carried by the client (see {@link ReasoningEnvelope}); null when there is
     * nothing to carry.
     */
    private @Nullable String envelope(OutputItem.Reasoning reasoning) {
        ReasoningEnvelope envelope = new ReasoningEnvelope(
                ProviderDialect.of(context.provider()).replayScope(),
                reasoning.text.toString(),
                reasoning.details.toArray(),
                reasoning.signatures,
                reasoningSourceField);
        return envelope.isEmpty() ? null : envelope.encode();
    }

    /**
     * Gemini's thought signatures arrive on tool calls, after any reasoning item has closed (one
     * open item at a time), so they travel in a reasoning item of their own, {@code summary: []},
     * after the calls; the request side attaches a turn's reasoning items to its assistant message
     * wherever they sit before the tool outputs.
     */
    private void emitSignatures() {
        Map<String, String> signatures = new LinkedHashMap<>();
        for (ToolCallAccumulator.Call call : toolCalls.calls()) {
            OutputItem.Call item = callItems.get(call);
            String signature = call.thoughtSignature();
            if (item != null && item.resolved && signature != null) {
                signatures.put(item.callId, signature);
            }
        }
        if (signatures.isEmpty()) {
            return;
        }
        OutputItem.Reasoning item = new OutputItem.Reasoning();
        item.signatures.putAll(signatures);
        announceReasoning(item);
        close(item, "completed");
    }

    private void closeCall(OutputItem.Call item) {
        String payload = item.payload;
        String streamed = item.streamed.toString();
        if (payload.length() > streamed.length() && payload.startsWith(streamed)) {
            String rest = payload.substring(streamed.length());
            if (item.custom) {
                out.customInputDelta(item.id, item.outputIndex, rest);
            } else {
                out.argumentsDelta(item.id, item.outputIndex, rest);
            }
        }
        if (item.custom) {
            out.customInputDone(item.id, item.outputIndex, payload);
        } else {
            out.argumentsDone(item.id, item.outputIndex, item.name, payload);
        }
        finishItem(
                item.outputIndex,
                out.callItem(item.custom, item.id, "completed", item.callId, item.name, item.namespace, payload));
    }

    private void finishItem(int outputIndex, String itemJson) {
        out.outputItemDone(outputIndex, itemJson);
        doneItems.add(itemJson);
    }

    /** Emits a queued item's whole lifecycle at once. */
    private void emitQueued(OutputItem item) {
        if (item instanceof OutputItem.Text text) {
            announceText(text);
            out.textDelta(TextPart.OUTPUT_TEXT, text.id, text.outputIndex, text.text.toString());
        } else if (item instanceof OutputItem.Reasoning reasoning) {
            announceReasoning(reasoning);
            if (reasoning.text.length() > 0) {
                String text = reasoning.text.toString();
                reasoning.text.setLength(0);
                streamReasoning(reasoning, text);
            }
        } else if (item instanceof OutputItem.Call call) {
            announceCall(call);
        }
        close(item, "completed");
    }
}
