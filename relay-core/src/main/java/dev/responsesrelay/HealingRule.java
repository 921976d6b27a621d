package dev.responsesrelay;

/**
 * A named repair the stream translator applies to a non-conforming upstream (see {@code
 * docs/DIALECTS.md} §2). Each one is reported to the {@link HealingListener} when it fires, and each
 * can be switched off with {@link ResponsesTranslator.Builder#disableHealing}.
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
    USAGE_ELSEWHERE
}
