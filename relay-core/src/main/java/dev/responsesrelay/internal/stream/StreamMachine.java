package dev.responsesrelay.internal.stream;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.Utf8Data;
import dev.responsesrelay.internal.codex.Compaction;
import dev.responsesrelay.internal.error.ErrorMapper;
import dev.responsesrelay.internal.stream.ChatChunk.Choice;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Chat Completions chunks in, Responses events out: the {@link ResponsesStream} behind {@link
 * dev.responsesrelay.Translation#newStream()}. Single use, and not thread-safe: confine it to the
 * thread that reads the upstream.
 *
 * <p>A deterministic step function (the core does no I/O and takes ids and clock as inputs): the
 * same inputs, ids and clock give the same events. It is a state machine in the manner of Netty's
 * {@code HttpObjectDecoder}: the state is one {@link Phase}; every entry point passes one guard
 * ({@link #admit()}) and then does what its input means in the current phase; a protocol error
 * found anywhere is thrown as {@link UpstreamProtocolException} and becomes {@code response.failed}
 * in one place ({@link #invalid}); and the end of input ({@link #endOfInput}) handles every phase.
 * The parts around it:
 *
 * <ul>
 *   <li>{@link ChunkReader} reads each chunk into one normalised {@link ChatChunk}, whatever the
 *       dialect;
 *   <li>{@link OutputItems} keeps the item rules: one open item at a time, tool calls announced live
 *       but finished late (Codex executes what it receives in {@code output_item.done},
 *       docs/codex-wire.md §2.1), everything behind an open call queued;
 *   <li>{@link ToolCallResolver} decides what each call becomes; {@link LeakedMarkupRescue} and
 *       {@link ThinkTagRescue} repair tool calls and reasoning that leaked into the text.
 * </ul>
 *
 * <p><b>Fail closed.</b> A truncated stream, an in-stream error, an unreadable chunk or output after
 * the finish reason ends in {@code response.failed}, with no {@code output_item.done} for the item
 * that was open. Bad upstream data is never thrown.
 */
public final class StreamMachine implements ResponsesStream {
    /** Finish reasons that mean the upstream failed mid-answer (docs/dialects.md rules 38, 41). */
    private static final Set<String> FAILED_FINISH_REASONS =
            Set.of("error", "insufficient_system_resource", "network_error", "abort");

    /** Where the answer stands: the whole state of the machine, whatever else it holds is data. */
    enum Phase {
        /** Nothing written yet. */
        NOT_STARTED,
        /** {@code response.created} and {@code response.in_progress} written; no chunk yet. */
        AWAITING_FIRST_CHUNK,
        /** Chunks are arriving, and with them output. */
        STREAMING,
        /**
         * A finish reason arrived: only usage, annotations and filter results may follow
         * (docs/dialects.md rule 6) until {@code [DONE]} or EOF ends the answer.
         */
        FINISHING,
        /** Terminal: {@code response.completed} written. */
        COMPLETED,
        /** Terminal: {@code response.incomplete} written. */
        INCOMPLETE,
        /** Terminal: {@code response.failed} written. */
        FAILED
    }

    private final StreamContext context;
    private final boolean wholeMessage;
    private final EventWriter out = new EventWriter();
    private final OutputItems items;
    private final LeakedMarkupRescue markup;
    private final UsageAccumulator usage = new UsageAccumulator();
    private final ThinkTagRescue thinkTags;

    private Phase phase = Phase.NOT_STARTED;
    /** The finish reason, set on entering {@link Phase#FINISHING}. */
    private String finishReason = "";

    private int chunks;
    /** Chars of text, reasoning and arguments accepted so far, against {@link StreamContext#maxOutputChars()}. */
    private long outputChars;

    private boolean contentBlocksReported;
    /**
     * The terminal event once written; the response object is read out of it when asked for
     * ({@link #responseJson()}), so a long answer's response is not held twice.
     */
    private @Nullable SseEvent terminalEvent;

    /** The response of a whole completion ({@link #wholeMessage}), which has no terminal event. */
    private @Nullable String wholeResponse;

    private @Nullable RelayError error;

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
        this.items = new OutputItems(context, out);
        // A compaction's answer is its one compaction item, announced at the end (completeCompaction).
        // A whole completion's events are never read (CompletionMapper keeps only the terminal
        // response), and each would hold the whole text once more (issue 18): none are written.
        out.holdItemEvents(context.compaction() || wholeMessage);
        this.markup = new LeakedMarkupRescue(context, items);
        this.thinkTags = new ThinkTagRescue(context, wholeMessage, items, markup);
    }

    // ---------------------------------------------------------------------------------------------
    // ResponsesStream: the entry points

    @Override
    public List<SseEvent> start() {
        switch (phase) {
            case NOT_STARTED -> begin();
            case AWAITING_FIRST_CHUNK, STREAMING, FINISHING, COMPLETED, INCOMPLETE, FAILED -> {}
        }
        return out.drain();
    }

    @Override
    public List<SseEvent> onData(String data) {
        Objects.requireNonNull(data, "data == null");
        if (!admit()) {
            return List.of();
        }
        try {
            acceptData(data);
        } catch (UpstreamProtocolException e) {
            invalid(e);
        }
        return out.drain();
    }

    @Override
    public List<SseEvent> onEvent(SseEvent upstreamEvent) {
        Objects.requireNonNull(upstreamEvent, "upstreamEvent == null");
        if (!admit()) {
            return List.of();
        }
        try {
            // llama.cpp writes stream errors as an SSE field named error (docs/dialects.md rule 3);
            // SseDecoder hands it over as an event named "error", as it does `event: error`.
            if (upstreamEvent.event().equals("error")
                    && context.heal(HealingRule.SSE_ERROR_FIELD, "upstream SSE event named error")) {
                fail(ErrorMapper.fromStreamPayload(upstreamEvent.data()));
                return out.drain();
            }
            byte[] utf8 = Utf8Data.of(upstreamEvent);
            // A chunk starts with '{' (the decoder took the one space after "data:"); anything else,
            // such as [DONE], takes the text path.
            if (utf8 == null || utf8.length == 0 || utf8[0] != '{') {
                acceptData(upstreamEvent.data());
            } else {
                ChatChunk chunk = read(utf8);
                if (chunk.error()) {
                    acceptErrorChunk(upstreamEvent.data()); // the text is only decoded here
                } else {
                    accept(chunk);
                }
            }
        } catch (UpstreamProtocolException e) {
            invalid(e);
        }
        return out.drain();
    }

    @Override
    public List<SseEvent> onEnd() {
        if (!admit()) {
            return List.of();
        }
        try {
            endOfInput(false);
        } catch (UpstreamProtocolException e) {
            invalid(e);
        }
        return out.drain();
    }

    @Override
    public List<SseEvent> onFailure(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        if (!admit()) {
            return List.of();
        }
        fail(ErrorMapper.map(failure));
        return out.drain();
    }

    @Override
    public List<SseEvent> abort(RelayError relayError) {
        Objects.requireNonNull(relayError, "relayError == null");
        if (isTerminal() && (wholeResponse != null || !out.hasUndrained())) {
            return List.of(); // the terminal event went out (or, for a whole completion, the response was made)
        }
        // The call that threw may have left the phase terminal with its event unwritten, and the
        // generator in the middle of an object: a fresh writer writes the one failed event.
        EventWriter failure = out.successor();
        phase = Phase.FAILED;
        error = relayError;
        terminalEvent = failure.terminalEvent(
                EventTypes.FAILED, context, "failed", List.of(), usage.totals(), relayError, null);
        return failure.drain();
    }

    @Override
    public List<SseEvent> onIdle() {
        switch (phase) {
            case AWAITING_FIRST_CHUNK, STREAMING, FINISHING -> {
                // The response as response.in_progress first showed it: output[] stays empty, so a
                // client that merges the event into its snapshot keeps the output it has (openai-node's
                // ResponseStream does; docs/CLIENTS.md, "Idle events").
                String response = out.responseObject(context, "in_progress", List.of(), null, null, null);
                out.responseEvent(EventTypes.IN_PROGRESS, response);
            }
            case NOT_STARTED, COMPLETED, INCOMPLETE, FAILED -> {}
        }
        return out.drain();
    }

    /**
     * Translates a whole non-streaming {@code chat.completion} body and ends the response; for
     * {@link CompletionMapper}, which shares every rule of the stream path this way.
     */
    void acceptCompletion(String json) {
        acceptCompletion(() -> ChunkReader.readCompletion(json), () -> json);
    }

    /**
     * As {@link #acceptCompletion(String)}, from the body's UTF-8 bytes: its text and reasoning are
     * decoded only as far as the output bound needs (issue 18; {@link
     * ChunkReader#readCompletion(byte[], long)}), and the body is never one {@code String}, except
     * an error body, decoded for the error mapper.
     */
    void acceptCompletion(byte[] utf8) {
        acceptCompletion(
                () -> ChunkReader.readCompletion(utf8, context.maxOutputChars()),
                () -> new String(utf8, StandardCharsets.UTF_8));
    }

    private void acceptCompletion(Supplier<ChatChunk> reader, Supplier<String> text) {
        if (!admit()) {
            return;
        }
        try {
            ChatChunk chunk;
            try {
                chunk = reader.get();
            } catch (ChunkFormatException e) {
                throw new UpstreamProtocolException("upstream completion is unreadable: " + e.getMessage());
            }
            if (chunk.error()) {
                fail(ErrorMapper.fromStreamPayload(text.get()));
                return;
            }
            if (chunk.choice() == null) {
                throw new UpstreamProtocolException("upstream completion has no choices");
            }
            arrived();
            accept(cutToOutputBound(chunk));
            if (!isTerminal()) {
                endOfInput(true);
            }
        } catch (UpstreamProtocolException e) {
            invalid(e);
        }
    }

    /**
     * A whole completion's reasoning and text cut one char past the output bound: the bound then
     * ends the answer incomplete as it ends a runaway stream, and the reasoning and text the events
     * and the terminal response repeat are no larger than a stream's would be, where a non-streamed
     * runaway answer was held and repeated whole (issue 18; three at once ran a 128 MB relay out of
     * heap in MemoryPressureProcessTest). Reasoning comes first, as it does in a stream.
     */
    private ChatChunk cutToOutputBound(ChatChunk chunk) {
        ChatChunk.Choice choice = chunk.choice();
        if (choice == null) {
            return chunk;
        }
        long room = context.maxOutputChars() + 1 - outputChars;
        String reasoning = cut(choice.reasoning(), room);
        String text = cut(choice.text(), room - reasoning.length());
        if (reasoning.length() == choice.reasoning().length()
                && text.length() == choice.text().length()) {
            return chunk;
        }
        return new ChatChunk(
                chunk.error(),
                new ChatChunk.Choice(
                        text,
                        choice.contentBlocks(),
                        reasoning,
                        choice.reasoningSource(),
                        choice.reasoningDetails(),
                        choice.toolCalls(),
                        choice.finishReason(),
                        choice.nativeFinishReason()),
                chunk.usage(),
                chunk.usageLocation());
    }

    private static String cut(String text, long room) {
        if (text.length() <= room) {
            return text;
        }
        int end = (int) Math.max(0, room);
        // Never half of a surrogate pair; one char more keeps the cut text past the bound.
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end++;
        }
        return text.substring(0, end);
    }

    @Override
    public boolean hasStarted() {
        return phase != Phase.NOT_STARTED;
    }

    @Override
    public boolean isTerminal() {
        return switch (phase) {
            case NOT_STARTED, AWAITING_FIRST_CHUNK, STREAMING, FINISHING -> false;
            case COMPLETED, INCOMPLETE, FAILED -> true;
        };
    }

    @Override
    public Optional<String> responseJson() {
        SseEvent terminal = terminalEvent;
        if (terminal != null) {
            return Optional.of(EventWriter.terminalResponse(terminal));
        }
        return Optional.ofNullable(wholeResponse);
    }

    @Override
    public Optional<RelayError> error() {
        return Optional.ofNullable(error);
    }

    // ---------------------------------------------------------------------------------------------
    // The guard and the transitions

    /**
     * The one guard of every input: false once the response is terminal (input after the terminal
     * event is ignored, and the server stops reading); the first input writes {@code
     * response.created} and {@code response.in_progress}.
     */
    private boolean admit() {
        return switch (phase) {
            case NOT_STARTED -> {
                begin();
                yield true;
            }
            case AWAITING_FIRST_CHUNK, STREAMING, FINISHING -> true;
            case COMPLETED, INCOMPLETE, FAILED -> false;
        };
    }

    private void begin() {
        phase = Phase.AWAITING_FIRST_CHUNK;
        String response = out.responseObject(context, "in_progress", List.of(), null, null, null);
        out.responseEvent(EventTypes.CREATED, response);
        out.responseEvent(EventTypes.IN_PROGRESS, response);
    }

    /** A chunk arrived, readable or not. */
    private void arrived() {
        chunks++;
        switch (phase) {
            case AWAITING_FIRST_CHUNK -> phase = Phase.STREAMING;
            case STREAMING, FINISHING -> {}
            case NOT_STARTED, COMPLETED, INCOMPLETE, FAILED -> throw unhandled();
        }
    }

    /** A {@code data:} payload as text: {@code [DONE]} or a chunk. */
    private void acceptData(String data) {
        if (data.strip().equals("[DONE]")) {
            endOfInput(true);
            return;
        }
        arrived();
        ChatChunk chunk;
        try {
            chunk = ChunkReader.readChunk(data);
        } catch (ChunkFormatException e) {
            throw unreadable(e);
        }
        if (chunk.error()) {
            acceptErrorChunk(data);
        } else {
            accept(chunk);
        }
    }

    /** A decoded event's UTF-8 data, parsed without decoding it. */
    private ChatChunk read(byte[] utf8) {
        arrived();
        try {
            return ChunkReader.readChunk(utf8);
        } catch (ChunkFormatException e) {
            throw unreadable(e);
        }
    }

    /**
     * A 200 stream that carries an error object (OpenAI, Groq tool_use_failed, vLLM, SGLang,
     * OpenRouter; docs/dialects.md rule 41) fails, with the answer so far as streamed; unless it is
     * Groq's failed tool call and the markup repair reads the calls from it, which finishes the
     * answer.
     */
    private void acceptErrorChunk(String payload) {
        switch (phase) {
            case STREAMING -> {
                if (markup.rescueFailedGeneration(payload)) {
                    enterFinishing("tool_calls");
                    return;
                }
            }
            case FINISHING -> {}
            case NOT_STARTED, AWAITING_FIRST_CHUNK, COMPLETED, INCOMPLETE, FAILED -> throw unhandled();
        }
        fail(ErrorMapper.fromStreamPayload(payload));
    }

    /** One normalised chunk. */
    private void accept(ChatChunk chunk) {
        usage.offer(chunk, context);
        Choice choice = chunk.choice();
        if (choice == null) {
            return; // Azure's prompt-filter chunk, a usage-only chunk, xAI's trailing empty chunk
        }
        switch (phase) {
            case STREAMING -> {}
            case FINISHING -> {
                if (choice.hasOutput()) {
                    // Only usage, annotations and filter results may follow the finish reason (rule 6).
                    throw new UpstreamProtocolException(
                            "upstream sent more output after finish_reason " + finishReason);
                }
            }
            case NOT_STARTED, AWAITING_FIRST_CHUNK, COMPLETED, INCOMPLETE, FAILED -> throw unhandled();
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
            items.acceptToolCall(delta);
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
            if (phase == Phase.STREAMING) {
                enterFinishing(reason); // later duplicates (old SGLang, Gemini 3.5) change nothing
            }
        }
    }

    private void enterFinishing(String reason) {
        finishReason = reason;
        phase = Phase.FINISHING;
    }

    /** The upstream ended: with {@code [DONE]} ({@code sawDone}) or EOF. */
    private void endOfInput(boolean sawDone) {
        switch (phase) {
            case AWAITING_FIRST_CHUNK, STREAMING -> {
                if (!sawDone && !usage.sawUsageOnlyChunk() && !wholeMessage) {
                    throw new UpstreamProtocolException(
                            phase == Phase.AWAITING_FIRST_CHUNK
                                    ? "upstream stream ended without sending anything"
                                    : "upstream stream ended before a finish_reason: the answer was cut off");
                }
                if (!wholeMessage) {
                    context.requireHealing(
                            HealingRule.MISSING_FINISH_REASON,
                            (sawDone ? "[DONE]" : "end of stream") + " without a finish_reason");
                }
                enterFinishing(items.hasToolCalls() ? "tool_calls" : "stop");
                finish();
            }
            case FINISHING -> {
                if (!sawDone && !wholeMessage) {
                    context.requireHealing(
                            HealingRule.MISSING_DONE, "end of stream after finish_reason " + finishReason);
                }
                finish();
            }
            case NOT_STARTED, COMPLETED, INCOMPLETE, FAILED -> throw unhandled();
        }
    }

    /** Ends the answer by its finish reason: {@code response.completed} or {@code response.incomplete}. */
    private void finish() {
        String reason = finishReason;
        thinkTags.stop();
        String incompleteReason = switch (reason) {
            case "length", "max_tokens" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        markup.release(incompleteReason == null);
        if (incompleteReason != null) {
            finishIncomplete(incompleteReason);
            return;
        }
        if (items.hasToolCalls() && !reason.equals("tool_calls") && !reason.equals("function_call")) {
            // Forced tool_choice, Gemini and old Ollama finish with stop after calls (rule 22).
            context.requireHealing(
                    HealingRule.TOOL_CALLS_FINISH_REASON, "finish_reason " + reason + " after tool calls");
        }
        items.prepareCalls();
        if (items.isEmpty() && usage.totals().outputTokens() == 0) {
            // An answer with nothing in it is how several providers fail (rule 41); Codex retries.
            throw new UpstreamProtocolException(
                    "upstream finished (finish_reason " + reason + ") without producing any output");
        }
        items.completeAll();
        if (context.compaction()) {
            completeCompaction();
            return;
        }
        terminal(Phase.COMPLETED, EventTypes.COMPLETED, "completed", items.doneItems(), null, null);
    }

    /**
     * Ends a remote-compaction answer: its messages' text becomes the summary in the one {@code
     * compaction} item Codex requires (compact_remote_v2.rs {@code collect_compaction_output}:
     * exactly one, else a fatal error); the summarising answer's own items were held back. No text
     * fails the response, since an empty summary would erase the conversation.
     */
    private void completeCompaction() {
        String summary = items.closedMessageText().strip();
        if (summary.isEmpty()) {
            error = Compaction.NO_SUMMARY;
            terminal(Phase.FAILED, EventTypes.FAILED, "failed", List.of(), Compaction.NO_SUMMARY, null);
            return;
        }
        String item = out.compactionItem(context.ids().newId("cmp_"), Compaction.encode(summary));
        out.holdItemEvents(false);
        out.outputItemAdded(0, item);
        out.outputItemDone(0, item);
        terminal(Phase.COMPLETED, EventTypes.COMPLETED, "completed", List.of(item), null, null);
    }

    /**
     * The answer passed {@link StreamContext#maxOutputChars()} (a runaway: a local model looping):
     * it ends now as if the upstream had hit its output limit, with what it holds, before holding
     * more makes the {@code *.done} events and the terminal response too large to write (issue 18).
     * Being terminal, the stream is no longer read, which disconnects the upstream.
     */
    private void finishOverOutputBound() {
        thinkTags.stop();
        markup.release(false);
        finishIncomplete("max_output_tokens");
    }

    private void finishIncomplete(String reason) {
        items.closeIncomplete();
        terminal(Phase.INCOMPLETE, EventTypes.INCOMPLETE, "incomplete", items.doneItems(), null, reason);
    }

    /**
     * The one place a protocol error becomes {@code response.failed} (Netty's {@code
     * invalidMessage}): the upstream broke the protocol, in the translator's own finding.
     */
    private void invalid(UpstreamProtocolException e) {
        String message = e.getMessage();
        fail(RelayError.of(
                502,
                "server_error",
                "server_error",
                message == null ? "upstream protocol error" : message,
                null,
                null));
    }

    /** Fails the response; the open item is left open (see {@link OutputItems#abandon()}). */
    private void fail(RelayError relayError) {
        if (isTerminal()) {
            return;
        }
        error = relayError;
        items.abandon();
        terminal(Phase.FAILED, EventTypes.FAILED, "failed", items.doneItems(), relayError, null);
    }

    private void terminal(
            Phase terminalPhase,
            String type,
            String status,
            List<String> output,
            @Nullable RelayError relayError,
            @Nullable String incompleteReason) {
        phase = terminalPhase;
        if (wholeMessage) {
            // A whole completion's answer is the response itself (CompletionMapper): its terminal
            // event, never read, would hold all of it once more (issue 18).
            wholeResponse = out.responseObject(context, status, output, usage.totals(), relayError, incompleteReason);
        } else {
            terminalEvent =
                    out.terminalEvent(type, context, status, output, usage.totals(), relayError, incompleteReason);
        }
    }

    private UpstreamProtocolException unreadable(ChunkFormatException e) {
        return new UpstreamProtocolException("upstream chunk " + chunks + " is unreadable: " + e.getMessage());
    }

    private IllegalStateException unhandled() {
        return new IllegalStateException("Unhandled phase " + phase);
    }

    // ---------------------------------------------------------------------------------------------
    // Reasoning and content

    private void acceptReasoning(Choice choice) {
        if (choice.contentBlocks() && !contentBlocksReported) {
            contentBlocksReported = true;
            context.requireHealing(HealingRule.CONTENT_BLOCKS, "delta.content was an array of typed blocks");
        }
        String text = choice.reasoning();
        if (text.isEmpty() && choice.reasoningDetails().isEmpty()) {
            return;
        }
        outputChars += text.length();
        items.recordReasoningSource(choice.reasoningSource());
        // The provider separates reasoning itself, so <think> in its content is text (rule 14).
        thinkTags.stop();
        items.appendReasoning(text, choice.reasoningDetails());
    }

    private void acceptContent(Choice choice) {
        String text = choice.text();
        if (!text.isEmpty()) {
            outputChars += text.length();
            thinkTags.content(text);
        }
    }
}
