package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.responsesrelay.internal.stream.ChatChunk.TokenUsage;
import dev.responsesrelay.internal.stream.ChatChunk.UsageLocation;
import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads usage objects for {@link ChunkReader}, and picks the one usage a chunk reports from the three
 * places providers put it (docs/dialects.md rule 39): the top-level {@code usage}, {@code
 * choices[0].usage} (Kimi/Moonshot), {@code x_groq.usage} (Groq 2024). Counts that were absent are 0;
 * cached tokens come from {@code prompt_tokens_details.cached_tokens}, else Kimi's {@code
 * cached_tokens}, else DeepSeek's {@code prompt_cache_hit_tokens}.
 */
final class UsageReader {
    private UsageReader() {}

    /**
     * The chunk, its usage taken from the top level when that is non-zero, else from the choice when
     * the choice has a usage object, else from {@code x_groq}; all-zero usage says nothing (LocalAI
     * sends one on every chunk), so it counts as none.
     */
    static ChatChunk chunk(@Nullable DeltaFields choice, @Nullable TokenUsage topLevel, @Nullable TokenUsage groq) {
        ChatChunk.Choice normalised = choice == null ? null : choice.toChoice();
        if (topLevel != null && !topLevel.isZero()) {
            return new ChatChunk(false, normalised, topLevel, UsageLocation.TOP_LEVEL);
        }
        TokenUsage inChoice = choice == null ? null : choice.usage;
        TokenUsage elsewhere = inChoice != null ? inChoice : groq;
        if (elsewhere == null || elsewhere.isZero()) {
            return new ChatChunk(false, normalised, null, UsageLocation.NONE);
        }
        return new ChatChunk(
                false, normalised, elsewhere, inChoice != null ? UsageLocation.CHOICE : UsageLocation.X_GROQ);
    }

    /** {@code x_groq}: its {@code usage} (Groq 2024 put usage only there), or null. */
    static @Nullable TokenUsage readGroq(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        TokenUsage usage = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("usage")) {
                usage = readUsage(p);
            } else {
                p.skipChildren();
            }
        }
        return usage;
    }

    /** A usage object; null for JSON null. */
    static @Nullable TokenUsage readUsage(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        ChunkReader.expect(p, JsonToken.START_OBJECT);
        long prompt = 0;
        long completion = 0;
        long total = 0;
        long detailsCached = -1;
        long cacheWrite = 0;
        long kimiCached = -1;
        long deepseekCached = -1;
        long reasoning = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = readCount(p);
                case "completion_tokens" -> completion = readCount(p);
                case "total_tokens" -> total = readCount(p);
                case "cached_tokens" -> kimiCached = readCount(p);
                case "prompt_cache_hit_tokens" -> deepseekCached = readCount(p);
                case "prompt_tokens_details" -> {
                    long[] details = readDetails(p, "cached_tokens", "cache_write_tokens");
                    detailsCached = details[0];
                    cacheWrite = Math.max(0, details[1]);
                }
                case "completion_tokens_details" -> reasoning = Math.max(0, readDetails(p, "reasoning_tokens")[0]);
                default -> p.skipChildren();
            }
        }
        long cached = detailsCached >= 0 ? detailsCached : kimiCached >= 0 ? kimiCached : Math.max(0, deepseekCached);
        return new TokenUsage(prompt, completion, total, cached, cacheWrite, reasoning);
    }

    /** Counts inside a details object, in the order of {@code names}; -1 for each one absent. */
    private static long[] readDetails(JsonParser p, String... names) throws IOException {
        long[] found = new long[names.length];
        Arrays.fill(found, -1);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return found;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            int at = Arrays.asList(names).indexOf(field);
            if (at >= 0) {
                found[at] = readCount(p);
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** A token count: an integer, a float (truncated), a numeric string, or 0 for anything else. */
    private static long readCount(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NUMBER_INT -> {
                return Math.max(0, p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return Math.max(0, (long) p.getDoubleValue());
            }
            case VALUE_STRING -> {
                try {
                    return Math.max(0, Long.parseLong(p.getText().trim()));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            default -> {
                p.skipChildren();
                return 0;
            }
        }
    }
}
