package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Token usage as the Responses API reports it ({@code input_tokens}, {@code output_tokens}, {@code
 * total_tokens} and their details), written in the Chat Completions shape.
 *
 * @param promptTokens {@code input_tokens}
 * @param completionTokens {@code output_tokens}
 * @param totalTokens {@code total_tokens}, or their sum when the upstream left it out
 * @param cachedTokens {@code input_tokens_details.cached_tokens}, if reported
 * @param reasoningTokens {@code output_tokens_details.reasoning_tokens}, if reported
 */
record Usage(
        long promptTokens,
        long completionTokens,
        long totalTokens,
        @Nullable Long cachedTokens,
        @Nullable Long reasoningTokens) {

    /**
     * Reads a Responses {@code usage} object; null when it is absent or lacks the token counts,
     * because invented zeros would look like real numbers to a client that bills or budgets by them.
     */
    static @Nullable Usage read(JsonNode usage) {
        JsonNode input = usage.path("input_tokens");
        JsonNode output = usage.path("output_tokens");
        if (!input.isIntegralNumber() || !output.isIntegralNumber()) {
            return null;
        }
        JsonNode total = usage.path("total_tokens");
        long totalTokens = total.isIntegralNumber() ? total.longValue() : input.longValue() + output.longValue();
        JsonNode cached = usage.path("input_tokens_details").path("cached_tokens");
        JsonNode reasoning = usage.path("output_tokens_details").path("reasoning_tokens");
        return new Usage(
                input.longValue(),
                output.longValue(),
                totalTokens,
                cached.isIntegralNumber() ? cached.longValue() : null,
                reasoning.isIntegralNumber() ? reasoning.longValue() : null);
    }

    /** Writes the {@code usage} field of a chunk or completion. */
    void write(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", promptTokens);
        g.writeNumberField("completion_tokens", completionTokens);
        g.writeNumberField("total_tokens", totalTokens);
        Long cached = cachedTokens;
        if (cached != null) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", cached);
            g.writeEndObject();
        }
        Long reasoning = reasoningTokens;
        if (reasoning != null) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", reasoning);
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
