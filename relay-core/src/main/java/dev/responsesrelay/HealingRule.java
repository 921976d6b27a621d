package dev.responsesrelay;

/**
 * A named repair the stream translator applies to a non-conforming upstream (see {@code
 * docs/dialects.md} §2). Each one is reported to the {@link HealingListener} when it fires, and each
 * can be switched off with {@link ResponsesTranslator.Builder#disableHealing}.
 *
 * <p>Switching a repair off makes the translator strict about that anomaly: the response ends in
 * {@code response.failed} instead of being repaired. A few rules are the exception, because the
 * unrepaired reading is still meaningful: without {@link #THINK_TAGS} the tags stay in the text,
 * without {@link #USAGE_ELSEWHERE} such usage is ignored, without {@link #SSE_ERROR_FIELD} the
 * event's data is read like any other chunk, without {@link #EMPTY_TOOL_ARGUMENTS} empty
 * arguments are passed on as they are, and without {@link #LEAKED_TOOL_MARKUP} the markup stays
 * text.
 *
 * <p>All rules are on by default except {@link #LEAKED_TOOL_MARKUP} (see {@link
 * #enabledByDefault()}), which {@link ResponsesTranslator.Builder#enableHealing} switches on.
 */
public enum HealingRule {
    /** {@code <think>…</think>} inside {@code content}, possibly split across chunks, became reasoning. */
    THINK_TAGS,
    /** The upstream ended after a finish reason but without {@code data: [DONE]}. */
    MISSING_DONE,
    /** {@code finish_reason} was {@code stop} or absent although tool calls were made. */
    TOOL_CALLS_FINISH_REASON,
    /** A tool-call delta without an {@code id} got a synthesised one. */
    SYNTHESISED_TOOL_CALL_ID,
    /** Two tool calls shared an {@code index}; the second one got its own. */
    TOOL_CALL_INDEX_COLLISION,
    /** Tool-call arguments arrived as a JSON object instead of a string and were serialised. */
    ARGUMENTS_AS_OBJECT,
    /** {@code delta.content} was an array of typed blocks (Mistral) and was flattened. */
    CONTENT_BLOCKS,
    /** An SSE field named {@code error} (llama.cpp) was treated as a fatal upstream error. */
    SSE_ERROR_FIELD,
    /** Usage arrived somewhere other than the top-level {@code usage} of a chunk. */
    USAGE_ELSEWHERE,
    /**
     * The model called a function the request did not declare. It is still answered as a {@code
     * function_call} with that name (Codex replies "unsupported call" and the model can recover).
     */
    UNKNOWN_TOOL,
    /** A function call's arguments were empty; they became {@code {}}, the empty JSON object. */
    EMPTY_TOOL_ARGUMENTS,
    /**
     * The stream ended with {@code data: [DONE]} (or a final usage-only chunk) but no {@code
     * finish_reason}; it was treated as {@code stop}, or {@code tool_calls} if calls were made.
     */
    MISSING_FINISH_REASON,
    /**
     * A custom (freeform) tool's arguments were not a JSON object holding its one string parameter;
     * the single string field, or else the raw arguments text, became the tool's input.
     */
    RAW_CUSTOM_TOOL_INPUT,
    /**
     * A new tool call came with an id that the conversation already used (as the client sent it, or
     * as it was rewritten for the provider), or that another call of the same answer has; it got a
     * fresh one, so no two calls share a {@code call_id} and a rewritten id never reaches the client
     * in place of its own.
     */
    REUSED_TOOL_CALL_ID,
    /**
     * Tool-call markup leaked into {@code content} because the server's tool parser missed it (Kimi
     * {@code <|tool_calls_section_begin|>}, Hermes/Qwen {@code <tool_call>}, {@code <function=…>};
     * docs/dialects.md rule 23) and was turned into tool calls; likewise the text of a Groq {@code
     * tool_use_failed} error sent mid-stream ({@code failed_generation}). <b>Off by default</b>: with
     * it on, text from the first marker on is held back until the answer ends.
     */
    LEAKED_TOOL_MARKUP;

    /** Whether the rule is on unless switched off; false only for {@link #LEAKED_TOOL_MARKUP}. */
    public boolean enabledByDefault() {
        return this != LEAKED_TOOL_MARKUP;
    }
}
