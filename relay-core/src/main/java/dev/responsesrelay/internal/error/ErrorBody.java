package dev.responsesrelay.internal.error;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an upstream error body says, whatever its shape: the human message plus every code, type and
 * status found at any nesting level. Produced by {@link ErrorBodies#parse(String)}.
 *
 * @param message the most specific human message found (the innermost one when errors are wrapped),
 *     or empty when the body had none
 * @param codes the string values of "code" fields, outermost first; numeric-looking ones are in
 *     {@code statusCodes} instead
 * @param types the values of "type" fields, outermost first
 * @param statuses Google-style {@code status} values such as {@code RESOURCE_EXHAUSTED}, outermost
 *     first
 * @param statusCodes HTTP statuses the body states itself (OpenRouter, Gemini, llama.cpp and vLLM put
 *     the status in a numeric "code" field), outermost first
 * @param param the upstream's {@code param}, naming a field of the Chat request, if any
 * @param failedGeneration Groq's {@code failed_generation}: the model's raw text when a tool call
 *     could not be parsed
 * @param retryDelay Google {@code RetryInfo.retryDelay}, if the body carried one
 * @param texts every message, code, type and status seen, for substring classification
 * @param html whether the body was an HTML page, so {@code message} is only its title
 */
record ErrorBody(
        String message,
        List<String> codes,
        List<String> types,
        List<String> statuses,
        List<Integer> statusCodes,
        @Nullable String param,
        @Nullable String failedGeneration,
        @Nullable Duration retryDelay,
        List<String> texts,
        boolean html) {

    ErrorBody {
        codes = List.copyOf(codes);
        types = List.copyOf(types);
        statuses = List.copyOf(statuses);
        statusCodes = List.copyOf(statusCodes);
        texts = List.copyOf(texts);
    }

    /** The first status the body states that is an HTTP error status, if any. */
    Optional<Integer> errorStatus() {
        return statusCodes.stream().filter(s -> s >= 400 && s <= 599).findFirst();
    }

    /** The innermost string code, which is the most specific one when errors are wrapped. */
    Optional<String> innermostCode() {
        return codes.isEmpty() ? Optional.empty() : Optional.of(codes.get(codes.size() - 1));
    }

    /** Every text, code, type and status, lower-cased and joined, for substring matching. */
    String haystack() {
        return String.join("\n", texts).toLowerCase(Locale.ROOT);
    }
}
