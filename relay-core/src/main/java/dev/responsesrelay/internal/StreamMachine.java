package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.ChatChunk.Choice;
import dev.responsesrelay.internal.ChatChunk.TokenUsage;
import dev.responsesrelay.internal.ChatChunk.ToolCallDelta;
import dev.responsesrelay.internal.EventWriter.TextPart;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Chat Completions chunks in, Responses events out: the {@link ResponsesStream} behind {@link
 * dev.responsesrelay.Translation#newStream()}. Single use, and not thread-safe: confine it to the
 * thread that reads the upstream.
 *
 * <p>A deterministic step function (the core does no I/O and takes ids and clock as inputs): the same inputs, ids and clock give the same
 * events. Its shape:
 *
 * <ul>
 *   <li><b>One open output item at a time</b>, each with its own {@code output_index} and id.
 *       Reasoning and text items are closed ({@code *.done}) as soon as the next item starts.
 *   <li><b>Tool calls are announced live but finished late.</b> The first tool call opens at once
 *       and streams {@code function_call_arguments.delta} (or the raw {@code
 *       custom_tool_call_input.delta}); its {@code *.done} events and {@code output_item.done} wait
 *       until the stream is known to be complete (a finish reason, then {@code [DONE]} or a clean
 *       EOF), because Codex executes what it receives in {@code output_item.done} (docs/codex-wire.md
 *       §2.1, §7 item 6). Whatever arrives while a call is open (more calls, text after the calls) is
 *       queued in order and emitted whole at completion, so one item stays open at a time.
 *   <li><b>Fail closed.</b> A truncated stream, an in-stream error, an unreadable chunk or output
 *       after the finish reason ends in {@code response.failed}, with no {@code output_item.done}
 *       for the item that was open. Bad upstream data is never thrown.
 * </ul>
 */
public final class StreamMachine implements ResponsesStream {
    /** Finish reasons that mean the upstream failed mid-answer (docs/dialects.md rules 38, 41). */
    private static final Set<String> FAILED_FINISH_REASONS =
            Set.of("error", "insufficient_system_resource", "network_error", "abort");

    private enum Phase {
        NOT_STARTED,
        STREAMING,
        COMPLETED,
        INCOMPLETE,
        FAILED
    }

    private final StreamContext context;
    private final boolean wholeMessage;
    private final EventWriter out = new EventWriter();
    private final ToolCallAccumulator toolCalls;
    private final UsageAccumulator usage = new UsageAccumulator();
    private final IdentityHashMap<ToolCallAccumulator.Call, CallItem> callItems = new IdentityHashMap<>();
    private final ArrayDeque<Item> queued = new ArrayDeque<>();
    private final List<String> doneItems = new ArrayList<>();
    private final Set<String> usedCallIds = new HashSet<>();
    private final ThinkTagSplitter.Sink splitSink = new ThinkTagSplitter.Sink() {
        @Override
        public void reasoning(String text) {
            appendReasoning(text, List.of());
        }

        @Override
        public void text(String text) {
            appendContentText(text);
        }
    };

    private @Nullable ThinkTagSplitter thinkTags;
    private @Nullable ToolMarkup markup;
    private Phase phase = Phase.NOT_STARTED;
    private @Nullable Item open;
    private int nextOutputIndex;
    private int chunks;
    private @Nullable String finishReason;
    private boolean usageOnlyChunkSeen;
    private boolean reasoningSeparated;

    /**
     * The Chat field the upstream streamed its reasoning in, recorded in the envelope so that a
     * profile that replays reasoning as received can send it back there (issue 13 §4).
     */
    private @Nullable String reasoningSourceField;

    private boolean thinkTagsReported;
    private boolean usageElsewhereReported;
    private boolean contentBlocksReported;
    private @Nullable String responseJson;
    private @Nullable RelayError error;
    /** Chars of text, reasoning and arguments accepted so far, against {@link StreamContext#maxOutputChars()}. */
    private long outputChars;

    /** A translator for one streamed upstream answer. */
    public StreamMachine(StreamContext context) {
        this(context, false);
    }

    /**
     * A translator for one upstream answer.
     *
     * @param wholeMessage whether the answer arrives as one non-streaming completion (see {@link
     *     CompletionMapper}): then a missing finish reason or {@code [DONE]} is normal, and a lone
     *     {@code </think>} can be split because the whole content is at hand
     */
    StreamMachine(StreamContext context, boolean wholeMessage) {
        this.context = Objects.requireNonNull(context, "context == null");
        this.wholeMessage = wholeMessage;
        this.toolCalls = new ToolCallAccumulator(context::heal);
        if (context.provider().thinkTagsInContent()
                && !context.disabledHealing().contains(HealingRule.THINK_TAGS)) {
            this.thinkTags = new ThinkTagSplitter(wholeMessage);
        }
        if (!context.disabledHealing().contains(HealingRule.LEAKED_TOOL_MARKUP)) {
            this.markup = new ToolMarkup();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // ResponsesStream

    @Override
    public List<SseEvent> start() {
        if (phase == Phase.NOT_STARTED) {
            begin();
        }
        return out.drain();
    }

    @Override
    public List<SseEvent> onData(String data) {
        Objects.requireNonNull(data, "data == null");
        if (isTerminal()) {
            return List.of();
        }
        if (phase == Phase.NOT_STARTED) {
            begin();
        }
        if (data.strip().equals("[DONE]")) {
            complete(true);
        } else {
            acceptChunk(data);
        }
        return out.drain();
    }

    @Override
    public List<SseEvent> onEvent(SseEvent upstreamEvent) {
        Objects.requireNonNull(upstreamEvent, "upstreamEvent == null");
        if (isTerminal()) {
            return List.of();
        }
        // llama.cpp writes stream errors as an SSE field named error (docs/dialects.md rule 3); SseDecoder
        // hands it over as an event named "error", as it does `event: error`.
        if (upstreamEvent.event().equals("error")
                && context.heal(HealingRule.SSE_ERROR_FIELD, "upstream SSE event named error")) {
            if (phase == Phase.NOT_STARTED) {
                begin();
            }
            fail(streamError(upstreamEvent.data()));
            return out.drain();
        }
        byte[] utf8 = Utf8Data.of(upstreamEvent);
        // A chunk starts with '{' (the decoder took the one space after "data:"); anything else, such
        // as [DONE], takes the text path.
        if (utf8 == null || utf8.length == 0 || utf8[0] != '{') {
            return onData(upstreamEvent.data());
        }
        if (phase == Phase.NOT_STARTED) {
            begin();
        }
        acceptChunk(utf8, upstreamEvent);
        return out.drain();
    }

    @Override
    public List<SseEvent> onEnd() {
        if (isTerminal()) {
            return List.of();
        }
        if (phase == Phase.NOT_STARTED) {
            begin();
        }
        complete(false);
        return out.drain();
    }

    @Override
    public List<SseEvent> onFailure(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        if (isTerminal()) {
            return List.of();
        }
        if (phase == Phase.NOT_STARTED) {
            begin();
        }
        fail(upstreamError(failure));
        return out.drain();
    }

    @Override
    public boolean hasStarted() {
        return phase != Phase.NOT_STARTED;
    }

    @Override
    public boolean isTerminal() {
        return switch (phase) {
            case NOT_STARTED, STREAMING -> false;
            case COMPLETED, INCOMPLETE, FAILED -> true;
        };
    }

    @Override
    public Optional<String> responseJson() {
        return Optional.ofNullable(responseJson);
    }

    @Override
    public Optional<RelayError> error() {
        return Optional.ofNullable(error);
    }

    // ---------------------------------------------------------------------------------------------
    // Input

    /**
     * Translates a whole non-streaming {@code chat.completion} body and ends the response; for
     * {@link CompletionMapper}, which shares every rule of the stream path this way.
     */
    void acceptCompletion(String json) {
        if (phase == Phase.NOT_STARTED) {
            begin();
        }
        ChatChunk chunk;
        try {
            chunk = ChunkReader.readCompletion(json);
        } catch (ChunkFormatException e) {
            fail(protocolError("upstream completion is unreadable: " + e.getMessage()));
            return;
        }
        if (chunk.error()) {
            fail(streamError(json));
            return;
        }
        if (chunk.choice() == null) {
            fail(protocolError("upstream completion has no choices"));
            return;
        }
        chunks++;
        step(chunk);
        if (!isTerminal()) {
            complete(true);
        }
    }

    private void begin() {
        phase = Phase.STREAMING;
        String response = out.responseObject(context, "in_progress", List.of(), null, null, null);
        out.responseEvent(EventTypes.CREATED, response);
        out.responseEvent(EventTypes.IN_PROGRESS, response);
    }

    private void acceptChunk(String data) {
        chunks++;
        ChatChunk chunk;
        try {
            chunk = ChunkReader.readChunk(data);
        } catch (ChunkFormatException e) {
            fail(protocolError("upstream chunk " + chunks + " is unreadable: " + e.getMessage()));
            return;
        }
        if (chunk.error()) {
            failOnErrorChunk(data);
            return;
        }
        step(chunk);
    }

    /** {@link #acceptChunk(String)} for a decoded event's UTF-8 data, parsed without decoding it. */
    private void acceptChunk(byte[] utf8, SseEvent upstreamEvent) {
        chunks++;
        ChatChunk chunk;
        try {
            chunk = ChunkReader.readChunk(utf8);
        } catch (ChunkFormatException e) {
            fail(protocolError("upstream chunk " + chunks + " is unreadable: " + e.getMessage()));
            return;
        }
        if (chunk.error()) {
            failOnErrorChunk(upstreamEvent.data()); // the text is only decoded here
            return;
        }
        step(chunk);
    }

    private void failOnErrorChunk(String data) {
        try {
            if (rescueFailedGeneration(data)) {
                return;
            }
        } catch (UpstreamProtocolException e) {
            // The rescued calls go through the same rules as streamed ones (UNKNOWN_TOOL...), but
            // outside step()'s guard: a refusal must still end the response (issue 13 §6).
            fail(protocolError(e.getMessage()));
            return;
        }
        // A 200 stream that carries an error object (OpenAI, Groq tool_use_failed, vLLM, SGLang,
        // OpenRouter; docs/dialects.md rule 41): the answer so far stays as streamed.
        fail(streamError(data));
    }

    private void step(ChatChunk chunk) {
        try {
            offerUsage(chunk);
            Choice choice = chunk.choice();
            if (choice == null) {
                // Azure's prompt-filter chunk, a usage-only chunk, xAI's trailing empty chunk.
                TokenUsage top = chunk.usage();
                if (top != null && !top.isZero()) {
                    usageOnlyChunkSeen = true;
                }
                return;
            }
            String fr = finishReason;
            if (fr != null && choice.hasOutput()) {
                // Only usage, annotations and filter results may follow the finish reason (rule 6).
                throw new UpstreamProtocolException("upstream sent more output after finish_reason " + fr);
            }
            String nativeReason = choice.nativeFinishReason();
            if (nativeReason != null && FAILED_FINISH_REASONS.contains(nativeReason)) {
                throw new UpstreamProtocolException(
                        "upstream failed mid-answer (native_finish_reason " + nativeReason + ")");
            }
            acceptReasoning(choice);
            acceptContent(choice);
            for (ToolCallDelta delta : choice.toolCalls()) {
                outputChars += delta.arguments().length();
                acceptToolCall(delta);
            }
            if (outputChars > context.maxOutputChars()) {
                finishOverOutputBound();
                return;
            }
            String reason = choice.finishReason();
            if (reason != null) {
                if (FAILED_FINISH_REASONS.contains(reason)) {
                    throw new UpstreamProtocolException("upstream failed mid-answer (finish_reason " + reason + ")");
                }
                if (finishReason == null) {
                    finishReason = reason; // later duplicates (old SGLang, Gemini 3.5) change nothing
                }
            }
        } catch (UpstreamProtocolException e) {
            fail(protocolError(e.getMessage()));
        }
    }

    private void offerUsage(ChatChunk chunk) {
        TokenUsage top = chunk.usage();
        if (top != null && !top.isZero()) {
            usage.offer(top);
            return;
        }
        Choice choice = chunk.choice();
        TokenUsage elsewhere = choice != null && choice.usage() != null ? choice.usage() : chunk.groqUsage();
        if (elsewhere == null || elsewhere.isZero()) {
            return;
        }
        if (context.disabledHealing().contains(HealingRule.USAGE_ELSEWHERE)) {
            return;
        }
        if (!usageElsewhereReported) {
            usageElsewhereReported = true;
            context.heal(
                    HealingRule.USAGE_ELSEWHERE,
                    choice != null && choice.usage() != null ? "usage in choices[0].usage" : "usage in x_groq.usage");
        }
        usage.offer(elsewhere);
    }

    private void acceptReasoning(Choice choice) {
        if (choice.contentBlocks() && !contentBlocksReported) {
            contentBlocksReported = true;
            requireHealing(HealingRule.CONTENT_BLOCKS, "delta.content was an array of typed blocks");
        }
        String text = reasoningText(choice);
        if (text.isEmpty() && choice.reasoningDetails().isEmpty()) {
            return;
        }
        outputChars += text.length();
        // The provider separates reasoning itself, so <think> in its content is text (rule 14).
        reasoningSeparated = true;
        if (reasoningSourceField == null) {
            reasoningSourceField = reasoningSourceField(choice);
        }
        flushThinkTags();
        appendReasoning(text, choice.reasoningDetails());
    }

    /**
     * The field one delta's reasoning came in, or null when it came in none that can be replayed
     * (Mistral's thinking blocks, {@code thinking}). {@code reasoning_details} first: a server that
     * sends both it and a text field (OpenRouter) keeps more in the structured array.
     */
    private static @Nullable String reasoningSourceField(Choice choice) {
        if (!choice.reasoningDetails().isEmpty()) {
            return "reasoning_details";
        }
        String content = choice.reasoningContent();
        if (content != null && !content.isEmpty()) {
            return "reasoning_content";
        }
        String reasoning = choice.reasoning();
        return reasoning != null && !reasoning.isEmpty() ? "reasoning" : null;
    }

    /**
     * The reasoning text of one delta. Nearly every chunk sets one reasoning field or none; those
     * cases are answered without the varargs array and list of {@link #distinctJoin}, which run
     * once per token.
     */
    private static String reasoningText(Choice choice) {
        String reasoningContent = choice.reasoningContent();
        String reasoning = choice.reasoning();
        String detailsReasoning = choice.detailsReasoning();
        String thinking = choice.thinking();
        String blockReasoning = choice.blockReasoning();
        int present = count(reasoningContent)
                + count(reasoning)
                + count(detailsReasoning)
                + count(thinking)
                + count(blockReasoning);
        if (present == 0) {
            return "";
        }
        if (present == 1) {
            return orElse(
                    reasoningContent,
                    orElse(reasoning, orElse(detailsReasoning, orElse(thinking, orElse(blockReasoning, "")))));
        }
        return distinctJoin(reasoningContent, reasoning, detailsReasoning, thinking, blockReasoning);
    }

    private static int count(@Nullable String text) {
        return text == null || text.isEmpty() ? 0 : 1;
    }

    private static String orElse(@Nullable String text, String fallback) {
        return text == null || text.isEmpty() ? fallback : text;
    }

    /**
     * Joins the reasoning fields of one delta, taking text that several fields repeat only once:
     * vLLM sent both reasoning and reasoning_content during its rename, OpenRouter sends reasoning
     * and reasoning_details together (docs/dialects.md rule 13).
     */
    private static String distinctJoin(@Nullable String... candidates) {
        String first = null;
        StringBuilder joined = null;
        List<String> taken = new ArrayList<>(2);
        for (String candidate : candidates) {
            if (candidate == null || candidate.isEmpty() || taken.contains(candidate)) {
                continue;
            }
            taken.add(candidate);
            if (first == null) {
                first = candidate;
            } else {
                if (joined == null) {
                    joined = new StringBuilder(first);
                }
                joined.append(candidate);
            }
        }
        return joined != null ? joined.toString() : first != null ? first : "";
    }

    private void acceptContent(Choice choice) {
        String content = choice.content();
        String refusal = choice.refusal();
        String text =
                content == null ? (refusal == null ? "" : refusal) : refusal == null ? content : content + refusal;
        if (text.isEmpty()) {
            return;
        }
        outputChars += text.length();
        ThinkTagSplitter splitter = thinkTags;
        if (splitter != null && !reasoningSeparated) {
            splitter.feed(text, splitSink);
            reportThinkTags(splitter);
        } else {
            flushThinkTags();
            appendContentText(text);
        }
    }

    /** Content text, through the leaked-markup gate when that repair is on. */
    private void appendContentText(String text) {
        ToolMarkup gate = markup;
        appendText(gate == null ? text : gate.feed(text));
    }

    /**
     * Groq fails a call its parser could not read with {@code tool_use_failed} and the model's text
     * in {@code failed_generation} (docs/dialects.md §1.6, rule 23); with the markup repair on, calls read
     * from that text finish the answer instead of failing it.
     */
    private boolean rescueFailedGeneration(String payload) {
        if (markup == null || finishReason != null) {
            return false;
        }
        String generation = ToolMarkup.failedGeneration(payload);
        ToolMarkup.Parsed parsed = generation == null ? null : ToolMarkup.parse(generation);
        if (parsed == null || parsed.calls().isEmpty()) {
            return false;
        }
        context.heal(
                HealingRule.LEAKED_TOOL_MARKUP, parsed.calls().size() + " tool call(s) in Groq's failed_generation");
        for (ToolMarkup.ParsedCall call : parsed.calls()) {
            String id = call.id() != null ? call.id() : context.ids().newId("call_");
            acceptToolCall(new ToolCallDelta(null, id, call.name(), call.arguments(), false));
        }
        finishReason = "tool_calls";
        return true;
    }

    /**
     * At the end of the answer, turns held-back tool markup into tool calls (docs/dialects.md rule 23),
     * or back into text when it is no call or the answer was cut off.
     */
    private void releaseMarkup(boolean parse) {
        ToolMarkup gate = markup;
        if (gate == null) {
            return;
        }
        markup = null;
        String held = gate.release();
        if (held.isEmpty()) {
            return;
        }
        ToolMarkup.Parsed parsed = parse ? ToolMarkup.parse(held) : new ToolMarkup.Parsed(List.of(), held);
        if (!parsed.calls().isEmpty()) {
            context.heal(
                    HealingRule.LEAKED_TOOL_MARKUP, parsed.calls().size() + " tool call(s) in markup inside content");
            for (ToolMarkup.ParsedCall call : parsed.calls()) {
                String id = call.id() != null ? call.id() : context.ids().newId("call_");
                acceptToolCall(new ToolCallDelta(null, id, call.name(), call.arguments(), false));
            }
        }
        appendText(parsed.text());
    }

    private void flushThinkTags() {
        ThinkTagSplitter splitter = thinkTags;
        if (splitter != null) {
            thinkTags = null;
            splitter.finish(splitSink);
            reportThinkTags(splitter);
        }
    }

    private void reportThinkTags(ThinkTagSplitter splitter) {
        if (!thinkTagsReported && splitter.sawTag()) {
            thinkTagsReported = true;
            context.heal(HealingRule.THINK_TAGS, "reasoning in <think> tags inside content");
        }
    }

    private void acceptToolCall(ToolCallDelta delta) {
        ToolCallAccumulator.Update update = toolCalls.accept(delta);
        CallItem item = callItems.get(update.call());
        if (item == null) {
            item = new CallItem(update.call());
            callItems.put(update.call(), item);
            if (!(open instanceof CallItem) && queued.isEmpty()) {
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
        if (open == null && queued.peekFirst() instanceof CallItem head && head.call.name() != null) {
            queued.pollFirst();
            resolve(head);
            announceCall(head);
            open = head;
            streamFragment(head, head.call.arguments().toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Items

    private void appendText(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (open instanceof CallItem || !queued.isEmpty()) {
            if (queued.peekLast() instanceof TextItem last) {
                last.text.append(text);
            } else {
                TextItem item = new TextItem();
                item.text.append(text);
                queued.addLast(item);
            }
            return;
        }
        TextItem item;
        if (open instanceof TextItem current) {
            item = current;
        } else {
            closeOpen();
            item = new TextItem();
            announceText(item);
            open = item;
        }
        item.text.append(text);
        out.textDelta(TextPart.OUTPUT_TEXT, item.id, item.outputIndex, text);
    }

    private void appendReasoning(String text, List<JsonNode> details) {
        if (text.isEmpty() && details.isEmpty()) {
            return;
        }
        if (open instanceof CallItem || !queued.isEmpty()) {
            ReasoningItem item;
            if (queued.peekLast() instanceof ReasoningItem last) {
                item = last;
            } else {
                item = new ReasoningItem();
                queued.addLast(item);
            }
            item.text.append(text);
            item.details.add(details);
            return;
        }
        ReasoningItem item;
        if (open instanceof ReasoningItem current) {
            item = current;
        } else {
            closeOpen();
            item = new ReasoningItem();
            announceReasoning(item);
            open = item;
        }
        item.details.add(details);
        if (!text.isEmpty()) {
            streamReasoning(item, text);
        }
    }

    private void announceText(TextItem item) {
        item.id = context.ids().newId("msg_");
        item.outputIndex = nextOutputIndex++;
        out.outputItemAdded(item.outputIndex, out.messageItem(item.id, "in_progress", null));
        out.partAdded(TextPart.OUTPUT_TEXT, item.id, item.outputIndex);
    }

    private void announceReasoning(ReasoningItem item) {
        item.id = context.ids().newId("rs_");
        item.outputIndex = nextOutputIndex++;
        // summary: [] when added; Codex drops a reasoning item without summary (docs/codex-wire.md §2.1).
        out.outputItemAdded(item.outputIndex, out.reasoningItem(item.id, null, null));
    }

    private void streamReasoning(ReasoningItem item, String text) {
        if (!item.summaryOpen) {
            // Reasoning goes out as a summary part so Codex shows it with default settings; raw
            // reasoning_text events only show with show_raw_agent_reasoning.
            item.summaryOpen = true;
            out.partAdded(TextPart.SUMMARY_TEXT, item.id, item.outputIndex);
        }
        item.text.append(text);
        out.textDelta(TextPart.SUMMARY_TEXT, item.id, item.outputIndex, text);
    }

    /** Decides what a call becomes, from its name: may throw when a needed repair is disabled. */
    private void resolve(CallItem item) {
        if (item.resolved) {
            return;
        }
        String chatName = item.call.name();
        if (chatName == null) {
            throw new UpstreamProtocolException("tool call " + item.call.ordinal() + " never got a function name");
        }
        ToolBinding binding = context.tools().byChatName(chatName);
        if (binding == null) {
            // Still a function_call with that name: Codex answers "unsupported call: …" and the model
            // can correct itself, which beats failing the whole turn.
            requireHealing(HealingRule.UNKNOWN_TOOL, "model called undeclared function " + chatName);
            item.name = chatName;
        } else {
            item.name = binding.name();
            item.namespace = binding.namespace();
            if (binding.custom()) {
                item.custom = true;
                item.inputField = binding.inputField();
                item.extractor = new StringFieldExtractor(binding.inputField());
            }
        }
        String upstreamId = item.call.upstreamId();
        if (upstreamId != null && (context.historyCallIds().contains(upstreamId) || usedCallIds.contains(upstreamId))) {
            // A call_id the conversation already has would tie this call to another call's output,
            // and a rewritten history id would reach the client in place of its own.
            requireHealing(
                    HealingRule.REUSED_TOOL_CALL_ID,
                    "tool call " + item.call.ordinal() + " reused the id " + upstreamId);
            item.callId = context.ids().newId("call_");
        } else if (upstreamId != null) {
            item.callId = upstreamId;
        } else {
            requireHealing(
                    HealingRule.SYNTHESISED_TOOL_CALL_ID,
                    "tool call " + item.call.ordinal() + " arrived without an id");
            item.callId = context.ids().newId("call_");
        }
        usedCallIds.add(item.callId);
        item.resolved = true;
    }

    private void announceCall(CallItem item) {
        item.id = context.ids().newId(item.custom ? "ctc_" : "fc_");
        item.outputIndex = nextOutputIndex++;
        String json = out.callItem(item.custom, item.id, "in_progress", item.callId, item.name, item.namespace, "");
        out.outputItemAdded(item.outputIndex, json);
    }

    private void streamFragment(CallItem item, String fragment) {
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

    /** Works out a call's final arguments or input; may throw, so it runs before any item closes. */
    private void prepare(CallItem item) {
        resolve(item);
        String arguments = item.call.arguments().toString();
        if (item.custom) {
            item.payload = customInput(item, arguments);
        } else if (arguments.isBlank()
                && context.heal(
                        HealingRule.EMPTY_TOOL_ARGUMENTS, "function " + item.name + " called with empty arguments")) {
            item.payload = "{}"; // Codex cannot parse "" ("failed to parse function arguments")
        } else {
            item.payload = arguments; // invalid JSON is passed on as is (rule 21): Codex reports it
        }
    }

    /**
     * The raw input of a custom tool: the string parameter of the one-parameter function the
     * request mapper declared (docs/codex-wire.md §7 item 3). Codex rejects apply_patch as a function_call.
     */
    private String customInput(CallItem item, String arguments) {
        if (arguments.isBlank()) {
            return "";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(arguments);
            if (node != null && node.isObject()) {
                JsonNode value = node.get(item.inputField);
                if (value != null && value.isTextual()) {
                    return value.textValue();
                }
                Iterator<JsonNode> values = node.elements();
                if (node.size() == 1 && values.hasNext()) {
                    JsonNode only = values.next();
                    if (only.isTextual()) {
                        requireHealing(
                                HealingRule.RAW_CUSTOM_TOOL_INPUT,
                                "custom tool " + item.name + " input under another field name");
                        return only.textValue();
                    }
                }
            }
        } catch (JsonProcessingException notJson) {
            // The model wrote the freeform input directly instead of wrapping it in JSON.
        }
        requireHealing(
                HealingRule.RAW_CUSTOM_TOOL_INPUT,
                "custom tool " + item.name + " arguments were not {\"" + item.inputField + "\": string}");
        return arguments;
    }

    private void closeOpen() {
        Item item = open;
        if (item != null) {
            close(item, "completed");
            open = null;
        }
    }

    private void close(Item item, String status) {
        if (item instanceof TextItem text) {
            out.textDone(TextPart.OUTPUT_TEXT, text.id, text.outputIndex, text.text);
            out.partDone(TextPart.OUTPUT_TEXT, text.id, text.outputIndex, text.text);
            finishItem(text.outputIndex, out.messageItem(text.id, status, text.text));
        } else if (item instanceof ReasoningItem reasoning) {
            if (reasoning.summaryOpen) {
                out.textDone(TextPart.SUMMARY_TEXT, reasoning.id, reasoning.outputIndex, reasoning.text);
                out.partDone(TextPart.SUMMARY_TEXT, reasoning.id, reasoning.outputIndex, reasoning.text);
            }
            String encrypted = envelope(reasoning);
            finishItem(
                    reasoning.outputIndex,
                    out.reasoningItem(reasoning.id, reasoning.summaryOpen ? reasoning.text : null, encrypted));
        } else if (item instanceof CallItem call) {
            closeCall(call);
        }
    }

    /**
     * The reasoning item's {@code encrypted_content}: what the next request needs to give the
     * provider back, carried by the client (see {@link ReasoningEnvelope}); null when there is
     * nothing to carry.
     */
    private @Nullable String envelope(ReasoningItem reasoning) {
        ReasoningEnvelope envelope = new ReasoningEnvelope(
                context.provider().name(),
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
            CallItem item = callItems.get(call);
            String signature = call.thoughtSignature();
            if (item != null && item.resolved && signature != null) {
                signatures.put(item.callId, signature);
            }
        }
        if (signatures.isEmpty()) {
            return;
        }
        ReasoningItem item = new ReasoningItem();
        item.signatures.putAll(signatures);
        announceReasoning(item);
        close(item, "completed");
    }

    private void closeCall(CallItem item) {
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
    private void emitQueued(Item item) {
        if (item instanceof TextItem text) {
            announceText(text);
            out.textDelta(TextPart.OUTPUT_TEXT, text.id, text.outputIndex, text.text.toString());
        } else if (item instanceof ReasoningItem reasoning) {
            announceReasoning(reasoning);
            if (reasoning.text.length() > 0) {
                String text = reasoning.text.toString();
                reasoning.text.setLength(0);
                streamReasoning(reasoning, text);
            }
        } else if (item instanceof CallItem call) {
            announceCall(call);
        }
        close(item, "completed");
    }

    // ---------------------------------------------------------------------------------------------
    // Terminal states

    /** The upstream ended: with {@code [DONE]} ({@code sawDone}) or EOF. */
    private void complete(boolean sawDone) {
        try {
            String reason = finishReason;
            if (reason == null) {
                if (!sawDone && !usageOnlyChunkSeen && !wholeMessage) {
                    fail(protocolError(
                            chunks == 0
                                    ? "upstream stream ended without sending anything"
                                    : "upstream stream ended before a finish_reason: the answer was cut off"));
                    return;
                }
                if (!wholeMessage) {
                    requireHealing(
                            HealingRule.MISSING_FINISH_REASON,
                            (sawDone ? "[DONE]" : "end of stream") + " without a finish_reason");
                }
                reason = toolCalls.isEmpty() ? "stop" : "tool_calls";
                finishReason = reason;
            } else if (!sawDone && !wholeMessage) {
                requireHealing(HealingRule.MISSING_DONE, "end of stream after finish_reason " + reason);
            }
            flushThinkTags();
            String incompleteReason = switch (reason) {
                case "length", "max_tokens" -> "max_output_tokens";
                case "content_filter" -> "content_filter";
                default -> null;
            };
            releaseMarkup(incompleteReason == null);
            if (incompleteReason != null) {
                finishIncomplete(incompleteReason);
                return;
            }
            if (!toolCalls.isEmpty() && !reason.equals("tool_calls") && !reason.equals("function_call")) {
                // Forced tool_choice, Gemini and old Ollama finish with stop after calls (rule 22).
                requireHealing(HealingRule.TOOL_CALLS_FINISH_REASON, "finish_reason " + reason + " after tool calls");
            }
            // Validate every call before the first output_item.done: after that there is no way back.
            if (open instanceof CallItem live) {
                prepare(live);
            }
            for (Item item : queued) {
                if (item instanceof CallItem call) {
                    prepare(call);
                }
            }
            if (open == null
                    && queued.isEmpty()
                    && doneItems.isEmpty()
                    && usage.totals().outputTokens() == 0) {
                // An answer with nothing in it is how several providers fail (rule 41); Codex retries.
                throw new UpstreamProtocolException(
                        "upstream finished (finish_reason " + reason + ") without producing any output");
            }
            closeOpen();
            while (!queued.isEmpty()) {
                emitQueued(queued.pollFirst());
            }
            emitSignatures();
            terminal(Phase.COMPLETED, EventTypes.COMPLETED, "completed", null, null);
        } catch (UpstreamProtocolException e) {
            fail(protocolError(e.getMessage()));
        }
    }

    /**
     * The answer passed {@link StreamContext#maxOutputChars()} (a runaway: a local model looping):
     * it ends now as if the upstream had hit its output limit, with what it holds, before holding
     * more makes the {@code *.done} events and the terminal response too large to write (issue 18).
     * Being terminal, the stream is no longer read, which disconnects the upstream.
     */
    private void finishOverOutputBound() {
        flushThinkTags();
        releaseMarkup(false);
        finishIncomplete("max_output_tokens");
    }

    private void finishIncomplete(String reason) {
        Item item = open;
        if (item instanceof TextItem || item instanceof ReasoningItem) {
            close(item, "incomplete");
            open = null;
        }
        // An open tool call stays open: its arguments were cut off, and Codex executes whatever it
        // gets in output_item.done. Queued items behind it are dropped with it.
        queued.clear();
        terminal(Phase.INCOMPLETE, EventTypes.INCOMPLETE, "incomplete", null, reason);
    }

    /**
     * Fails the response. The open item is left open (no {@code output_item.done}): Codex keeps items
     * it received as done across its retry, so closing a half answer would duplicate it.
     */
    private void fail(RelayError relayError) {
        if (isTerminal()) {
            return;
        }
        error = relayError;
        queued.clear();
        terminal(Phase.FAILED, EventTypes.FAILED, "failed", relayError, null);
    }

    private void terminal(
            Phase terminalPhase,
            String type,
            String status,
            @Nullable RelayError relayError,
            @Nullable String incompleteReason) {
        phase = terminalPhase;
        String response = out.responseObject(context, status, doneItems, usage.totals(), relayError, incompleteReason);
        responseJson = response;
        out.responseEvent(type, response);
    }

    private void requireHealing(HealingRule rule, String detail) {
        if (!context.heal(rule, detail)) {
            throw new UpstreamProtocolException(detail + " (repair " + rule + " is disabled)");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Errors

    /** An error of the translator's own finding: the upstream broke the protocol. */
    private static RelayError protocolError(@Nullable String message) {
        return RelayError.of(
                502, "server_error", "server_error", message == null ? "upstream protocol error" : message, null, null);
    }

    private static RelayError streamError(String payload) {
        return ErrorMapper.fromStreamPayload(payload);
    }

    private static RelayError upstreamError(UpstreamFailure failure) {
        return ErrorMapper.map(failure);
    }

    // ---------------------------------------------------------------------------------------------
    // Output items in the making

    private abstract static sealed class Item permits TextItem, ReasoningItem, CallItem {
        String id = "";
        int outputIndex = -1;
    }

    private static final class TextItem extends Item {
        final StringBuilder text = new StringBuilder();
    }

    private static final class ReasoningItem extends Item {
        final StringBuilder text = new StringBuilder();
        final ReasoningDetailsAccumulator details = new ReasoningDetailsAccumulator();
        final Map<String, String> signatures = new LinkedHashMap<>(0);
        boolean summaryOpen;
    }

    private static final class CallItem extends Item {
        final ToolCallAccumulator.Call call;
        /** What has gone out in delta events: arguments, or decoded custom input. */
        final StringBuilder streamed = new StringBuilder();

        boolean resolved;
        boolean custom;
        String name = "";

        @Nullable
        String namespace;

        String callId = "";
        String inputField = "";

        @Nullable
        StringFieldExtractor extractor;
        /** The final arguments or input, set by {@link #prepare}. */
        String payload = "";

        CallItem(ToolCallAccumulator.Call call) {
            this.call = call;
        }
    }
}
