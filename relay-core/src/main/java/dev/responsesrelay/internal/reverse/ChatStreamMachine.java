package dev.responsesrelay.internal.reverse;

import static dev.responsesrelay.internal.reverse.EventFields.intOr;
import static dev.responsesrelay.internal.reverse.EventFields.intOrNull;
import static dev.responsesrelay.internal.reverse.EventFields.readObject;
import static dev.responsesrelay.internal.reverse.EventFields.text;
import static dev.responsesrelay.internal.reverse.EventFields.textOr;
import static dev.responsesrelay.internal.reverse.EventFields.texts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.ChatCompletionStream;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.reverse.StreamItems.Item;
import dev.responsesrelay.internal.reverse.StreamItems.MessageItem;
import dev.responsesrelay.internal.reverse.StreamItems.ReasoningItem;
import dev.responsesrelay.internal.reverse.StreamItems.ReasoningSource;
import dev.responsesrelay.internal.reverse.StreamItems.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Translates Responses streaming events into {@code chat.completion.chunk} payloads.
 *
 * <p>Items are tracked by {@code item_id}, falling back to {@code output_index}, so events of
 * several items may interleave. Each {@code function_call} and {@code custom_tool_call} gets its own
 * Chat {@code index} (0, 1, 2… in the order the calls are announced), never the output index and
 * never shared: LiteLLM sent all parallel calls with index 0
 * (https://github.com/BerriAI/litellm/issues/21331). Text that
 * reaches the upstream's {@code *.done} events or the finished item without deltas is still sent,
 * once (LiteLLM #27144): every piece of text is reconciled against what was already sent.
 *
 * <p>Reasoning: per reasoning item, whichever of raw reasoning text ({@code
 * response.reasoning_text.*}) and the reasoning summary ({@code response.reasoning_summary_text.*})
 * arrives first is forwarded, and the other is dropped, so the same reasoning is never shown twice
 * and nothing is held back. When neither streamed and the finished item carries both, the raw text
 * is preferred. Summary parts and reasoning items are separated by a blank line.
 *
 * <p>On {@code response.incomplete} a call that was not finished stays as it was streamed (a custom
 * call's JSON wrapper is not closed): {@code finish_reason: length} already tells the client the
 * turn was cut short, as Chat Completions does when {@code max_tokens} cuts a call, and closing it
 * would make truncated input look whole.
 *
 * <p>Not thread-safe; single use.
 */
public final class ChatStreamMachine implements ChatCompletionStream {
    private enum Phase {
        WAITING,
        STREAMING,
        FINISHED,
        FAILED
    }

    private final ReverseContext context;
    private final ChatChunkWriter out;
    private Phase phase = Phase.WAITING;
    private boolean started;
    private List<String> batch = new ArrayList<>();
    private final StreamItems items = new StreamItems();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private int nextToolIndex;
    private boolean reasoningSent;
    private @Nullable RelayError error;

    /** A stream for one exchange. */
    public ChatStreamMachine(ReverseContext context) {
        this.context = context;
        this.out = new ChatChunkWriter(context);
    }

    @Override
    public List<String> start() {
        if (isTerminal()) {
            return List.of();
        }
        ensureStarted();
        return drain();
    }

    @Override
    public List<String> onData(String data) {
        Objects.requireNonNull(data, "data == null");
        return handleData(data, "");
    }

    @Override
    public List<String> onEvent(SseEvent upstreamEvent) {
        Objects.requireNonNull(upstreamEvent, "upstreamEvent == null");
        if (isTerminal()) {
            return List.of();
        }
        if (upstreamEvent.event().equals("error")) {
            JsonNode payload = readObject(upstreamEvent.data());
            fail(
                    payload != null
                            ? ReverseErrors.fromErrorObject(payload, "upstream stream error")
                            : ReverseErrors.protocol("upstream stream error: " + upstreamEvent.data()));
            return drain();
        }
        return handleData(upstreamEvent.data(), upstreamEvent.event());
    }

    @Override
    public List<String> onEnd() {
        if (isTerminal()) {
            return List.of();
        }
        // docs/codex-wire.md §2.3: a Responses stream is complete only with response.completed (or
        // response.incomplete); EOF before it means the answer was cut off.
        fail(ReverseErrors.protocol("upstream stream ended before response.completed"));
        return drain();
    }

    @Override
    public List<String> onFailure(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        if (isTerminal()) {
            return List.of();
        }
        fail(ReverseErrors.fromFailure(failure));
        return drain();
    }

    @Override
    public boolean hasStarted() {
        return started;
    }

    @Override
    public boolean isTerminal() {
        return phase == Phase.FINISHED || phase == Phase.FAILED;
    }

    @Override
    public Optional<RelayError> error() {
        return Optional.ofNullable(error);
    }

    private List<String> handleData(String data, String eventName) {
        if (isTerminal() || data.isBlank()) {
            return List.of();
        }
        if (data.strip().equals(DONE)) {
            // Responses streams have no [DONE]; a server that adds one ends with response.completed
            // first, and onEnd decides if it did not.
            return drain();
        }
        JsonNode event = readObject(data);
        if (event == null) {
            fail(ReverseErrors.protocol("upstream sent an event that is not a JSON object"));
            return drain();
        }
        try {
            handle(event, eventName);
        } catch (StreamFailure failure) {
            fail(failure.error);
        }
        return drain();
    }

    private void handle(JsonNode event, String eventName) {
        // The data's own "type" is what counts (docs/codex-wire.md §2.1: event: lines are optional).
        String type = event.path("type").isTextual() ? event.path("type").textValue() : eventName;
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> ensureStarted();
            case "response.output_item.added" -> itemAdded(event);
            case "response.output_item.done" ->
                completeItem(
                        event.path("item"), text(event.path("item"), "id"), intOrNull(event, "output_index"), false);
            case "response.content_part.done" -> contentPartDone(event);
            case "response.output_text.delta" -> textDelta(event, false);
            case "response.output_text.done" -> textDone(event, false);
            case "response.refusal.delta" -> textDelta(event, true);
            case "response.refusal.done" -> textDone(event, true);
            case "response.reasoning_summary_text.delta" -> reasoningDelta(event, ReasoningSource.SUMMARY);
            case "response.reasoning_summary_text.done" ->
                reasoningDone(event, ReasoningSource.SUMMARY, text(event, "text"));
            case "response.reasoning_summary_part.done" ->
                reasoningDone(event, ReasoningSource.SUMMARY, text(event.path("part"), "text"));
            case "response.reasoning_text.delta" -> reasoningDelta(event, ReasoningSource.RAW);
            case "response.reasoning_text.done" -> reasoningDone(event, ReasoningSource.RAW, text(event, "text"));
            case "response.function_call_arguments.delta" -> toolDelta(event, false);
            case "response.function_call_arguments.done" -> toolDone(event, false, text(event, "arguments"));
            case "response.custom_tool_call_input.delta" -> toolDelta(event, true);
            case "response.custom_tool_call_input.done" -> toolDone(event, true, text(event, "input"));
            case "response.completed" -> finish(event.path("response"), null);
            case "response.incomplete" ->
                finish(
                        event.path("response"),
                        incompleteFinishReason(event.path("response").path("incomplete_details")));
            case "response.failed" ->
                fail(ReverseErrors.fromErrorObject(event.path("response").path("error"), "upstream response failed"));
            case "error" -> fail(ReverseErrors.fromErrorObject(event, "upstream stream error"));
            default -> {
                // Annotations, hosted-tool progress, response.metadata, content_part.added, …: nothing
                // a Chat Completions client could show.
            }
        }
    }

    /** {@code incomplete_details.reason} to a Chat finish reason; an unknown reason still means "cut short". */
    static String incompleteFinishReason(JsonNode details) {
        return "content_filter".equals(details.path("reason").asText()) ? "content_filter" : "length";
    }

    private void itemAdded(JsonNode event) {
        JsonNode item = event.path("item");
        String id = text(item, "id");
        Integer outputIndex = intOrNull(event, "output_index");
        Item existing = items.find(id, outputIndex, false);
        String type = item.path("type").asText();
        if (existing != null && id != null) {
            if (!existing.type.equals(type)) {
                throw new StreamFailure("output item " + id + " was added twice with different types");
            }
            return; // a repeated announcement carries nothing new
        }
        Item created = switch (type) {
            case "message" -> new MessageItem(id);
            case "reasoning" -> new ReasoningItem(id);
            case "function_call", "custom_tool_call" -> newToolCall(item, id, type, true);
            default -> new Item(id, type);
        };
        items.register(created, id, outputIndex);
        if (created instanceof ToolCall call) {
            announce(call, null);
        }
    }

    /**
     * A call as an item describes it. {@code withArguments} takes the arguments the item already
     * carries as received; a finished item's arguments are applied by {@link #completeCall} instead.
     */
    private ToolCall newToolCall(JsonNode item, @Nullable String id, String type, boolean withArguments) {
        boolean custom = type.equals("custom_tool_call");
        ToolCall call = new ToolCall(id, type, custom);
        call.callId = text(item, "call_id");
        String name = text(item, "name");
        call.name = name == null ? null : ToolCallText.chatName(text(item, "namespace"), name);
        String initial = withArguments ? text(item, custom ? "input" : "arguments") : null;
        if (initial != null) {
            call.received.append(initial);
        }
        toolCalls.add(call);
        return call;
    }

    private void textDelta(JsonNode event, boolean refusal) {
        MessageItem message = typed(event, MessageItem.class, "message");
        PartedText parts = refusal ? message.refusal : message.text;
        String send = parts.append(intOr(event, "content_index", 0), textOr(event, "delta", ""));
        sendText(send, refusal);
    }

    private void textDone(JsonNode event, boolean refusal) {
        String full = text(event, refusal ? "refusal" : "text");
        if (full == null) {
            return;
        }
        MessageItem message = typed(event, MessageItem.class, "message");
        completeText(message, intOr(event, "content_index", 0), full, refusal);
    }

    private void contentPartDone(JsonNode event) {
        JsonNode part = event.path("part");
        String partType = part.path("type").asText();
        if (partType.equals("output_text") || partType.equals("refusal")) {
            boolean refusal = partType.equals("refusal");
            String full = text(part, refusal ? "refusal" : "text");
            if (full != null) {
                completeText(
                        typed(event, MessageItem.class, "message"), intOr(event, "content_index", 0), full, refusal);
            }
        }
    }

    private void completeText(MessageItem message, int part, String full, boolean refusal) {
        String send = (refusal ? message.refusal : message.text).complete(part, full);
        // A final text that contradicts the streamed deltas cannot be taken back from the client;
        // the streamed text stands. Text is only shown, never executed, so this is not a failure.
        if (send != null) {
            sendText(send, refusal);
        }
    }

    private void sendText(String text, boolean refusal) {
        if (!text.isEmpty()) {
            emit(refusal ? out.refusal(text) : out.content(text));
        }
    }

    private void reasoningDelta(JsonNode event, ReasoningSource source) {
        ReasoningItem reasoning = typed(event, ReasoningItem.class, "reasoning");
        if (!reasoning.accepts(source)) {
            return;
        }
        String partField = source == ReasoningSource.SUMMARY ? "summary_index" : "content_index";
        sendReasoning(reasoning, reasoning.text.append(intOr(event, partField, 0), textOr(event, "delta", "")));
    }

    private void reasoningDone(JsonNode event, ReasoningSource source, @Nullable String full) {
        if (full == null) {
            return;
        }
        ReasoningItem reasoning = typed(event, ReasoningItem.class, "reasoning");
        if (!reasoning.accepts(source)) {
            return;
        }
        String partField = source == ReasoningSource.SUMMARY ? "summary_index" : "content_index";
        String send = reasoning.text.complete(intOr(event, partField, 0), full);
        if (send != null) {
            sendReasoning(reasoning, send);
        }
    }

    private void sendReasoning(ReasoningItem reasoning, String text) {
        if (text.isEmpty()) {
            return;
        }
        String send = !reasoning.sentAny && reasoningSent ? "\n\n" + text : text;
        reasoning.sentAny = true;
        reasoningSent = true;
        emit(out.reasoning(send));
    }

    private void toolDelta(JsonNode event, boolean custom) {
        ToolCall call = toolCall(event, custom);
        String delta = textOr(event, "delta", "");
        if (call.complete) {
            throw new StreamFailure(
                    "upstream sent more arguments for call " + call.describe() + " after they were done");
        }
        if (delta.isEmpty()) {
            return;
        }
        call.received.append(delta);
        if (call.announced) {
            emit(out.toolCallArguments(call.index, call.custom ? ToolCallText.escape(delta) : delta));
        }
    }

    private void toolDone(JsonNode event, boolean custom, @Nullable String full) {
        if (full != null) {
            completeCall(toolCall(event, custom), full);
        }
    }

    private ToolCall toolCall(JsonNode event, boolean custom) {
        String type = custom ? "custom_tool_call" : "function_call";
        ToolCall call = typed(event, ToolCall.class, type);
        if (call.custom != custom) {
            throw new StreamFailure("upstream sent " + type + " events for " + call.describe() + ", a " + call.type);
        }
        return call;
    }

    /**
     * Announces a call once its {@code call_id} and name are known: the first delta carries {@code
     * id}, {@code type}, {@code function.name} and every argument received so far. With {@code
     * finalArguments} the call is complete in the same chunk.
     */
    private void announce(ToolCall call, @Nullable String finalArguments) {
        String callId = call.callId;
        String name = call.name;
        if (call.announced || callId == null || name == null) {
            return;
        }
        call.index = nextToolIndex++;
        call.announced = true;
        String received = call.received.toString();
        String arguments;
        if (finalArguments != null) {
            arguments = call.custom ? ToolCallText.customArguments(finalArguments) : finalArguments;
            call.complete = true;
        } else {
            arguments = call.custom ? ToolCallText.CUSTOM_INPUT_OPEN + ToolCallText.escape(received) : received;
        }
        emit(out.toolCallStart(call.index, callId, name, arguments));
    }

    /**
     * The call's arguments are final. Sends what the deltas did not (all of it when there were
     * none), closes a custom call's JSON wrapper, and fails the stream when the final arguments do
     * not continue what was already sent: the client would otherwise run a call whose arguments
     * nobody produced.
     */
    private void completeCall(ToolCall call, String full) {
        String received = call.received.toString();
        if (call.complete) {
            if (!full.equals(received)) {
                throw new StreamFailure(
                        "upstream changed the arguments of call " + call.describe() + " after they were done");
            }
            return;
        }
        if (!full.startsWith(received)) {
            throw new StreamFailure(
                    "upstream's final arguments for call " + call.describe() + " do not match its streamed deltas");
        }
        String rest = full.substring(received.length());
        call.received.append(rest);
        if (!call.announced) {
            if (call.name == null) {
                throw new StreamFailure("upstream sent call " + call.describe() + " without a name");
            }
            if (call.callId == null) {
                call.callId = context.ids().newId("call_"); // every Chat tool call needs an id to answer
            }
            announce(call, full);
            return;
        }
        String fragment = call.custom ? ToolCallText.escape(rest) + ToolCallText.CUSTOM_INPUT_CLOSE : rest;
        call.complete = true;
        if (!fragment.isEmpty()) {
            emit(out.toolCallArguments(call.index, fragment));
        }
    }

    /**
     * A finished item, from {@code response.output_item.done} or the terminal response's {@code
     * output}: sends whatever of it was not streamed.
     */
    private void completeItem(
            JsonNode item, @Nullable String id, @Nullable Integer outputIndex, boolean fromTerminalOutput) {
        String type = item.path("type").asText();
        Item found = items.find(id, outputIndex, !fromTerminalOutput && id == null && outputIndex == null);
        if (found != null && !found.type.equals(type)) {
            if (id != null || outputIndex != null) {
                throw new StreamFailure("upstream finished output item " + found.describe() + " as a " + type);
            }
            found = null;
        }
        switch (type) {
            case "message" -> {
                MessageItem message =
                        found instanceof MessageItem m ? m : items.register(new MessageItem(id), id, outputIndex);
                JsonNode content = item.path("content");
                for (int j = 0; j < content.size(); j++) {
                    JsonNode part = content.get(j);
                    String partType = part.path("type").asText();
                    if (partType.equals("output_text") || partType.equals("refusal")) {
                        boolean refusal = partType.equals("refusal");
                        String full = text(part, refusal ? "refusal" : "text");
                        if (full != null) {
                            completeText(message, j, full, refusal);
                        }
                    }
                }
            }
            case "reasoning" -> {
                ReasoningItem reasoning =
                        found instanceof ReasoningItem r ? r : items.register(new ReasoningItem(id), id, outputIndex);
                List<String> raw = texts(item.path("content"), "reasoning_text");
                List<String> summary = texts(item.path("summary"), "summary_text");
                if (reasoning.source == ReasoningSource.NONE) {
                    reasoning.source =
                            raw.stream().anyMatch(s -> !s.isEmpty()) ? ReasoningSource.RAW : ReasoningSource.SUMMARY;
                }
                List<String> chosen = reasoning.source == ReasoningSource.RAW ? raw : summary;
                for (int i = 0; i < chosen.size(); i++) {
                    String send = reasoning.text.complete(i, chosen.get(i));
                    if (send != null) {
                        sendReasoning(reasoning, send);
                    }
                }
            }
            case "function_call", "custom_tool_call" -> {
                ToolCall call;
                if (found instanceof ToolCall existing) {
                    call = existing;
                } else {
                    call = items.register(newToolCall(item, id, type, false), id, outputIndex);
                }
                String callId = text(item, "call_id");
                String rawName = text(item, "name");
                String name = rawName == null ? null : ToolCallText.chatName(text(item, "namespace"), rawName);
                if (call.announced && name != null && !name.equals(call.name)) {
                    throw new StreamFailure("upstream renamed call " + call.describe() + " to " + name);
                }
                if (call.callId == null) {
                    call.callId = callId;
                }
                if (call.name == null) {
                    call.name = name;
                }
                String full = text(item, call.custom ? "input" : "arguments");
                if (full != null) {
                    completeCall(call, full);
                } else {
                    announce(call, null);
                }
            }
            default -> {
                // Hosted tool calls and other items have no Chat form; their results are in the text.
            }
        }
    }

    private void finish(JsonNode response, @Nullable String incompleteReason) {
        JsonNode output = response.path("output");
        // The terminal response repeats the finished items: whatever a server did not stream (or
        // finish with output_item.done) is sent from here. Items without ids can only be matched
        // when the stream showed no items at all.
        boolean noItemsStreamed = items.seen() == 0;
        for (int i = 0; i < output.size(); i++) {
            JsonNode item = output.get(i);
            String id = text(item, "id");
            if (id != null || noItemsStreamed) {
                completeItem(item, id, noItemsStreamed && id == null ? Integer.valueOf(i) : null, true);
            }
        }
        for (ToolCall call : toolCalls) {
            if (!call.complete && incompleteReason == null) {
                // response.completed vouches for the deltas: they are the whole arguments.
                completeCall(call, call.received.toString());
            }
        }
        boolean anyCall = toolCalls.stream().anyMatch(call -> call.announced);
        String finishReason = incompleteReason != null ? incompleteReason : anyCall ? "tool_calls" : "stop";
        emit(out.finish(finishReason));
        if (context.includeUsage()) {
            Usage usage = Usage.read(response.path("usage"));
            if (usage != null) {
                batch.add(out.usage(usage));
            }
        }
        batch.add(DONE);
        phase = Phase.FINISHED;
    }

    private void fail(RelayError failure) {
        error = failure;
        phase = Phase.FAILED;
        batch.add(Json.errorBody(failure));
    }

    private void ensureStarted() {
        if (!started) {
            started = true;
            phase = Phase.STREAMING;
            batch.add(out.role());
        }
    }

    private void emit(String chunk) {
        ensureStarted();
        batch.add(chunk);
    }

    private List<String> drain() {
        List<String> result = batch;
        batch = new ArrayList<>();
        return result;
    }

    /**
     * The item an event addresses, or a new one of the expected kind when there is none (servers may
     * skip {@code output_item.added}). An event that names an item of another kind breaks the
     * protocol and fails the stream.
     */
    private <T extends Item> T typed(JsonNode event, Class<T> kind, String type) {
        String id = text(event, "item_id");
        Integer outputIndex = intOrNull(event, "output_index");
        boolean addressed = id != null || outputIndex != null;
        Item found = items.find(id, outputIndex, !addressed);
        if (kind.isInstance(found)) {
            return kind.cast(found);
        }
        if (found != null && addressed) {
            throw new StreamFailure("upstream sent " + type + " events for " + found.describe() + ", a " + found.type);
        }
        Item created = switch (type) {
            case "message" -> new MessageItem(id);
            case "reasoning" -> new ReasoningItem(id);
            default -> newToolCall(Json.MAPPER.createObjectNode(), id, type, false);
        };
        items.register(created, id, outputIndex);
        return kind.cast(created);
    }

    /** Thrown inside event handling to fail the stream with an error payload. */
    private static final class StreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient RelayError error;

        StreamFailure(String message) {
            super(message, null, false, false);
            this.error = ReverseErrors.protocol(message);
        }
    }
}
