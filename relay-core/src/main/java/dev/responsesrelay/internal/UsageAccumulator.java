package dev.responsesrelay.internal;

import dev.responsesrelay.internal.ChatChunk.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the usage an upstream reported, wherever it put it (docs/dialects.md rule 39): the last non-zero
 * usage object wins, because LocalAI sends an all-zero usage on every chunk and most providers send
 * the real one last. Not thread-safe.
 */
final class UsageAccumulator {
    private @Nullable TokenUsage last;

    /** Offers one usage object; null and all-zero objects are ignored. */
    void offer(@Nullable TokenUsage usage) {
        if (usage != null && !usage.isZero()) {
            last = usage;
        }
    }

    /** Whether a non-zero usage arrived. */
    boolean hasUsage() {
        return last != null;
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
