package dev.responsesrelay.internal.stream;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.internal.stream.ChatChunk.TokenUsage;
import dev.responsesrelay.internal.stream.ChatChunk.UsageLocation;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the usage an upstream reported, wherever it put it (docs/dialects.md rule 39): the last non-zero
 * usage object wins, because LocalAI sends an all-zero usage on every chunk and most providers send
 * the real one last. Not thread-safe.
 */
final class UsageAccumulator {
    private @Nullable TokenUsage last;
    private boolean usageOnlyChunkSeen;
    private boolean elsewhereReported;

    /**
     * Offers the usage of one chunk. Usage found somewhere other than the top level is a repair
     * ({@link HealingRule#USAGE_ELSEWHERE}), reported once; with that repair off it is ignored.
     */
    void offer(ChatChunk chunk, StreamContext context) {
        TokenUsage usage = chunk.usage();
        if (usage == null) {
            return;
        }
        switch (chunk.usageLocation()) {
            case TOP_LEVEL -> {
                if (chunk.choice() == null) {
                    usageOnlyChunkSeen = true;
                }
            }
            case CHOICE, X_GROQ -> {
                if (context.disabledHealing().contains(HealingRule.USAGE_ELSEWHERE)) {
                    return;
                }
                if (!elsewhereReported) {
                    elsewhereReported = true;
                    context.heal(
                            HealingRule.USAGE_ELSEWHERE,
                            chunk.usageLocation() == UsageLocation.CHOICE
                                    ? "usage in choices[0].usage"
                                    : "usage in x_groq.usage");
                }
            }
            case NONE -> throw new IllegalStateException("usage without a location");
        }
        last = usage;
    }

    /**
     * Whether a chunk without choices brought usage: the end of an answer in the {@code
     * stream_options.include_usage} form, so an EOF after it is no cut-off even without a finish reason (docs/dialects.md rule 5).
     */
    boolean sawUsageOnlyChunk() {
        return usageOnlyChunkSeen;
    }

    /** The Responses usage; zeros when the upstream sent none (Codex still needs the object). */
    Totals totals() {
        TokenUsage u = last;
        if (u == null) {
            return Totals.ZERO;
        }
        long input = u.promptTokens();
        long output = u.completionTokens();
        long reasoning = u.reasoningTokens();
        // xAI counts reasoning tokens outside completion_tokens (prompt 19 + completion 6 + reasoning
        // 173 = total 198, xai-nonstream-reasoning-content-gomodel.json); Responses' output_tokens
        // include reasoning, so add them back when the total says they were left out.
        if (reasoning > 0 && u.totalTokens() == input + output + reasoning) {
            output += reasoning;
        }
        long total = u.totalTokens() > 0 ? Math.max(u.totalTokens(), input + output) : input + output;
        return new Totals(
                input,
                Math.min(u.cachedTokens(), input),
                Math.min(u.cacheWriteTokens(), input),
                output,
                Math.min(reasoning, output),
                total);
    }

    /**
     * Responses usage: {@code input_tokens}, {@code input_tokens_details.cached_tokens} and {@code
     * cache_write_tokens} (Codex 0.169 reads both), {@code output_tokens}, {@code
     * output_tokens_details.reasoning_tokens}, {@code total_tokens}.
     */
    record Totals(
            long inputTokens,
            long cachedTokens,
            long cacheWriteTokens,
            long outputTokens,
            long reasoningTokens,
            long totalTokens) {
        static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);
    }
}
