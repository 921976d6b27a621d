package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One upstream {@code chat.completion.chunk} (or a whole {@code chat.completion}), reduced to the
 * fields the translator reads and normalised across dialects, so that the stream machine sees one
 * shape whatever the provider. Nulls end here: {@link ChunkReader} maps explicit {@code null},
 * absent keys and empty identity strings to null (docs/dialects.md rules 7-9), joins the reasoning
 * fields (rule 13) and picks the usage from wherever the provider put it (rule 39); nothing past the
 * stream machine sees a raw chunk.
 *
 * @param error whether the chunk is an error payload (a top-level {@code error}, vLLM's {@code
 *     object:"error"}, or Gemini's JSON array of errors) rather than a chunk
 * @param choice the choice with index 0, or null when the choice list is absent or empty (Azure's
 *     prompt-filter chunk, usage-only chunks); the Responses API has no {@code n}
 * @param usage the chunk's non-zero usage, from the first of its three places that has one, or null
 *     (LocalAI sends an all-zero usage on every chunk; such objects say nothing)
 * @param usageLocation where {@code usage} was found; {@link UsageLocation#NONE} with no usage
 */
record ChatChunk(
        boolean error,
        ChatChunk.@Nullable Choice choice,
        @Nullable TokenUsage usage,
        UsageLocation usageLocation) {

    static final ChatChunk ERROR = new ChatChunk(true, null, null, UsageLocation.NONE);

    /** The places providers put usage (docs/dialects.md rule 39), in the order they are looked at. */
    enum UsageLocation {
        /** The chunk had no non-zero usage. */
        NONE,
        /** The top-level {@code usage}, where OpenAI puts it. */
        TOP_LEVEL,
        /** {@code choices[0].usage} (Kimi/Moonshot). */
        CHOICE,
        /** {@code x_groq.usage} (Groq 2024 put usage only there). */
        X_GROQ
    }

    /**
     * The parts of {@code choices[0]} that matter: its {@code delta} (or {@code message} in a
     * non-streaming completion), normalised, and finish reasons.
     *
     * @param text {@code delta.content} as text (the text blocks of a content array joined),
     *     followed by {@code delta.refusal} (OpenAI), shown as text; empty when none
     * @param contentBlocks whether {@code content} was an array of typed blocks (Mistral)
     * @param reasoning the reasoning text of the delta, from whichever fields carried it: {@code
     *     reasoning_content} (DeepSeek, Kimi, Qwen, xAI, SGLang…), {@code reasoning} as a string (vLLM ≥
     *     0.16, Ollama, Groq, OpenRouter…), the text of {@code reasoning.text}/{@code
     *     reasoning.summary} entries of {@code reasoning_details} (OpenRouter), {@code thinking} as a
     *     string, and the {@code thinking} blocks of a content array (Mistral); text that several
     *     fields repeat is taken once (docs/dialects.md rule 13); empty when none
     * @param reasoningSource the Chat field this delta's reasoning came in, when it is one that can be
     *     replayed ({@code reasoning_details}, {@code reasoning_content} or {@code reasoning}), else
     *     null (issue 13 §4)
     * @param reasoningDetails every object entry of {@code reasoning_details} as it came (text,
     *     summary and encrypted ones), kept for the reasoning item's envelope (OpenRouter wants
     *     them back verbatim, docs/dialects.md rule 24)
     * @param toolCalls {@code delta.tool_calls} in order, plus a legacy {@code function_call}
     * @param finishReason {@code finish_reason}; null when absent, null or empty
     * @param nativeFinishReason OpenRouter's {@code native_finish_reason}, kept for error detection
     */
    record Choice(
            String text,
            boolean contentBlocks,
            String reasoning,
            @Nullable String reasoningSource,
            List<JsonNode> reasoningDetails,
            List<ToolCallDelta> toolCalls,
            @Nullable String finishReason,
            @Nullable String nativeFinishReason) {

        /**
         * Whether the choice carries output: text, reasoning or tool calls. After the finish reason
         * only chunks without output are allowed (usage, annotations, filter results).
         */
        boolean hasOutput() {
            return !text.isEmpty() || !reasoning.isEmpty() || !reasoningDetails.isEmpty() || !toolCalls.isEmpty();
        }
    }

    /**
     * One entry of {@code delta.tool_calls}.
     *
     * @param index {@code index}, or null when the provider omits it (Gemini, old Ollama)
     * @param id {@code id}, or null when absent, null or empty (DeepSeek restates {@code ""})
     * @param name {@code function.name}, or null when absent, null or empty
     * @param arguments the {@code function.arguments} fragment; empty when absent or null
     * @param argumentsNotString whether the arguments arrived as a JSON object or another non-string
     *     value and were serialised to text
     * @param thoughtSignature Gemini's {@code extra_content.google.thought_signature} on the call,
     *     possibly in a delta of its own (docs/dialects.md rule 20), or null
     */
    record ToolCallDelta(
            @Nullable Integer index,
            @Nullable String id,
            @Nullable String name,
            String arguments,
            boolean argumentsNotString,
            @Nullable String thoughtSignature) {

        /** A delta without a thought signature. */
        ToolCallDelta(
                @Nullable Integer index,
                @Nullable String id,
                @Nullable String name,
                String arguments,
                boolean argumentsNotString) {
            this(index, id, name, arguments, argumentsNotString, null);
        }
    }

    /**
     * A usage object, from any of the places providers put it. Counts that were absent are 0.
     *
     * @param cachedTokens {@code prompt_tokens_details.cached_tokens}, else Kimi's {@code
     *     cached_tokens}, else DeepSeek's {@code prompt_cache_hit_tokens}
     * @param cacheWriteTokens {@code prompt_tokens_details.cache_write_tokens} (OpenRouter)
     * @param reasoningTokens {@code completion_tokens_details.reasoning_tokens}
     */
    record TokenUsage(
            long promptTokens,
            long completionTokens,
            long totalTokens,
            long cachedTokens,
            long cacheWriteTokens,
            long reasoningTokens) {

        /** LocalAI sends an all-zero usage on every chunk; such objects say nothing. */
        boolean isZero() {
            return promptTokens == 0 && completionTokens == 0 && totalTokens == 0;
        }
    }
}
