package dev.responsesrelay.internal.error;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Maps upstream failures, in every provider's error shape, to the OpenAI errors Codex acts on.
 *
 * <p>The message is the provider's own (docs/dialects.md §H rule 40): it is the only hint a user gets,
 * for example Mistral's tool-call id rule or DeepSeek's {@code reasoning_content} demand. The
 * classification follows rule 42, first match wins, reading status and body together because
 * statuses lie (rule 44):
 *
 * <ol>
 *   <li>HTTP 402 or a quota marker → {@code insufficient_quota}, HTTP 429, no retry delay. Codex
 *       treats the code as fatal (docs/codex-wire.md §2.3); OpenAI itself sends it with 429. A quota
 *       phrase next to a Google {@code RetryInfo} delay is a window that reopens, so it counts as a
 *       rate limit instead.
 *   <li>A context-overflow code or phrase → {@code context_length_exceeded}, HTTP 400: fatal in
 *       Codex, which tells the user the context window is full.
 *   <li>HTTP 429 or a rate-limit marker → {@code rate_limit_exceeded}, HTTP 429, with any retry hint
 *       in {@link RelayError#retryAfter()} and spelled out as "Please try again in N s." so Codex waits
 *       that long (it parses the message of this code only).
 *   <li>HTTP 5xx or 408, "overloaded", "Loading model", a transport failure, or an error that states
 *       no status at all → {@code server_error}, which Codex retries.
 *   <li>Any other 4xx → {@code invalid_request_error} (401 {@code authentication_error}, 403 {@code
 *       permission_error}) with the upstream's status and its string code.
 * </ol>
 */
public final class ErrorMapper {
    /**
     * An error inside a 200 stream that states no status of its own is the upstream failing while it
     * answered, which is a server error by the time it reaches the client.
     */
    static final int IMPLIED_STREAM_STATUS = 500;

    /** How much of an unreadable body to show when it has no message field. */
    private static final int MAX_RAW_BODY_CHARS = 500;

    private static final List<String> QUOTA_MARKERS = List.of(
            "insufficient_quota",
            "exceeded your current quota",
            "insufficient balance",
            // Moonshot, from LiteLLM's exception mapping; not seen on the wire here (docs/dialects.md rule 42).
            "exceeded_current_quota_error");

    private static final List<String> CONTEXT_MARKERS = List.of(
            "context_length_exceeded",
            "exceed_context_size_error",
            "maximum context length",
            "context length is only",
            "exceeds the available context size",
            "exceed context limit",
            "exceeds the maximum number of tokens allowed",
            "input tokens exceed the configured limit",
            "is longer than the model's context length",
            "range of input length");

    private static final List<String> RATE_LIMIT_MARKERS = List.of(
            "rate_limit", "rate limit", "resource_exhausted", "service tier capacity exceeded", "too many requests");

    private static final List<String> SERVER_MARKERS = List.of("overloaded", "loading model");

    /**
     * OpenAI's id-length error ("string too long. Expected a string with maximum length 40") is a
     * request error, however much it sounds like an overflow.
     */
    private static final String ID_TOO_LONG = "string_above_max_length";

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"),
            Map.entry(402, "Payment Required"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"),
            Map.entry(408, "Request Timeout"),
            Map.entry(409, "Conflict"),
            Map.entry(413, "Content Too Large"),
            Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Content"),
            Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    /** The longest wait passed on to a client as a retry delay; see {@link #rateLimit}. */
    static final Duration MAX_CLIENT_RETRY_DELAY = Duration.ofMinutes(15);

    private enum Kind {
        INSUFFICIENT_QUOTA,
        CONTEXT_LENGTH_EXCEEDED,
        RATE_LIMIT_EXCEEDED,
        SERVER_ERROR,
        INVALID_REQUEST
    }

    private ErrorMapper() {}

    /** An HTTP error answer or a transport failure. */
    public static RelayError map(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        String transport = failure.transportMessage().orElse(null);
        if (transport != null) {
            // 502: the relay is a gateway whose upstream did not answer (RFC 9110 §15.6.3). Codex
            // retries 5xx at the transport layer and again per turn.
            String connection = failure.url()
                    .map(url -> "The upstream connection to " + url + " failed: ")
                    .orElse("The upstream connection failed: ");
            return RelayError.of(502, "server_error", "server_error", connection + transport, null, null);
        }
        ErrorBody body = ErrorBodies.parse(failure.body());
        int httpStatus = failure.status();
        // A status below 400 lies (LM Studio answers 200 with an error body): trust what the body says.
        int status = isErrorStatus(httpStatus) ? httpStatus : body.errorStatus().orElse(0);
        String message = message(body, failure.body(), "The upstream answered HTTP " + withReason(httpStatus));
        String url = failure.url().orElse(null);
        if (url != null) {
            message = attributed(message, url, httpStatus);
        }
        return build(classify(status, body), status, body, message, RetryHints.find(failure, body));
    }

    /**
     * An error that arrived inside a 200 stream: the JSON of a {@code data:} chunk with a top-level
     * {@code error} (OpenAI, Groq, vLLM, SGLang, OpenRouter), a vLLM {@code object:"error"} chunk, or
     * the value of llama.cpp's {@code error:} SSE field.
     *
     * <p>A numeric {@code code} in the payload is the HTTP status the upstream would have sent
     * (OpenRouter, llama.cpp, vLLM); without one the error counts as a server error unless its body
     * says quota, context or rate limit.
     */
    public static RelayError fromStreamPayload(String payloadJson) {
        Objects.requireNonNull(payloadJson, "payloadJson == null");
        ErrorBody body = ErrorBodies.parse(payloadJson);
        int status = body.errorStatus().orElse(IMPLIED_STREAM_STATUS);
        String message = message(body, payloadJson, "The upstream stream failed");
        return build(classify(status, body), status, body, message, RetryHints.fromBody(body));
    }

    /**
     * The message saying which upstream URL answered, so a client (Codex shows only the message and
     * the relay's own URL) cannot take the upstream's error for the relay's. A 404 from a URL without
     * a {@code /v1} segment is most often a base URL missing it (Ollama, vLLM, LM Studio serve under
     * {@code /v1}), so that one gets the hint.
     */
    private static String attributed(String message, String url, int httpStatus) {
        String generic = "The upstream answered HTTP ";
        String named = message.startsWith(generic)
                ? "The upstream " + url + " answered HTTP " + message.substring(generic.length())
                : "The upstream " + url + " answered HTTP " + withReason(httpStatus) + ": " + message;
        if (httpStatus == 404 && !url.contains("/v1")) {
            named = sentence(named) + " If the upstream serves the OpenAI API under /v1, add /v1 to its base URL.";
        }
        return named;
    }

    private static Kind classify(int status, ErrorBody body) {
        String haystack = body.haystack();
        // Google words its per-minute and per-day 429s "You exceeded your current quota" too, but
        // sends a RetryInfo delay with them: those are windows that reopen, so they fall through
        // to the rate limit below instead of being reported as a fatal billing problem.
        boolean quotaWords = containsAny(haystack, QUOTA_MARKERS) && body.retryDelay() == null;
        if (status == 402 || quotaWords) {
            return Kind.INSUFFICIENT_QUOTA;
        }
        if (!body.codes().contains(ID_TOO_LONG) && containsAny(haystack, CONTEXT_MARKERS)) {
            return Kind.CONTEXT_LENGTH_EXCEEDED;
        }
        if (status == 429 || containsAny(haystack, RATE_LIMIT_MARKERS)) {
            return Kind.RATE_LIMIT_EXCEEDED;
        }
        if (status >= 500 || status == 408 || !isErrorStatus(status) || containsAny(haystack, SERVER_MARKERS)) {
            return Kind.SERVER_ERROR;
        }
        return Kind.INVALID_REQUEST;
    }

    private static RelayError build(Kind kind, int status, ErrorBody body, String message, Optional<Duration> hint) {
        return switch (kind) {
            // Never a delay: a 429 with Retry-After would make Codex retry what money must fix.
            case INSUFFICIENT_QUOTA ->
                RelayError.of(429, "insufficient_quota", "insufficient_quota", message, null, null);
            case CONTEXT_LENGTH_EXCEEDED ->
                RelayError.of(400, "invalid_request_error", "context_length_exceeded", message, null, null);
            case RATE_LIMIT_EXCEEDED -> rateLimit(body, message, hint.orElse(null));
            // 503 where the upstream said so (llama.cpp loading a model, OpenRouter with no
            // provider); otherwise 502, since the relay is a gateway and its upstream failed.
            case SERVER_ERROR ->
                RelayError.of(
                        status == 503 ? 503 : 502, "server_error", "server_error", message, null, hint.orElse(null));
            case INVALID_REQUEST ->
                RelayError.of(
                        clientErrorStatus(status),
                        invalidRequestType(status),
                        body.innermostCode().orElse(null),
                        message,
                        null,
                        null);
        };
    }

    /**
     * Codex treats HTTP 400 as fatal and retries every other 4xx five times (docs/codex-wire.md §2.3). An
     * upstream 4xx that is not about credentials or a missing model (Mistral's 422 for an unknown
     * field, a 413 for a body the provider will never take) fails the same way on every retry, so it
     * becomes a 400 and the user sees the provider's message at once. 401, 403 and 404 keep their
     * status: SDKs turn them into distinct exceptions that callers act on.
     */
    private static int clientErrorStatus(int upstreamStatus) {
        return switch (upstreamStatus) {
            case 401, 403, 404 -> upstreamStatus;
            default -> 400;
        };
    }

    /**
     * OpenAI's rate-limit type is {@code requests} (RPM/RPD limits) or {@code tokens} (TPM/TPD, as in
     * openai-error-429-request-too-large.json); Codex and the SDKs go by status and code only.
     * {@code rate_limit_error} is Anthropic's vocabulary, so it is not used.
     */
    private static RelayError rateLimit(ErrorBody body, String message, @Nullable Duration delay) {
        boolean tokens = body.types().stream().anyMatch("tokens"::equalsIgnoreCase)
                || body.haystack().contains("tokens per");
        String text = message;
        if (delay != null && delay.compareTo(MAX_CLIENT_RETRY_DELAY) > 0) {
            // A wait of hours is a daily quota, not a rate limit (Azure's real 429 says "retry after
            // 86400 seconds"). Codex would sleep that long without a word; without a delay it retries
            // with its own short backoff, gives up, and shows the provider's message.
            delay = null;
        }
        // Codex takes the first "try again in" it finds; when the provider wrote one, it stands.
        if (delay != null && !RetryHints.codexCanParse(message)) {
            text = sentence(message) + " " + RetryHints.codexSentence(delay);
        }
        return RelayError.of(429, tokens ? "tokens" : "requests", "rate_limit_exceeded", text, null, delay);
    }

    /**
     * The delay the upstream's headers ask for: {@code retry-after-ms}, else {@code Retry-After}
     * (docs/dialects.md §H rule 43), read as {@link #map} reads them. For callers that pass an OpenAI
     * upstream's error on as it is (the reverse direction), and so add none of the body phrases and
     * rate-limit reset headers that {@link #map} also falls back to.
     */
    public static Optional<Duration> headerRetryDelay(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        return RetryHints.fromHeaders(failure);
    }

    /**
     * A raw body to quote in a message when it has no message of its own: stripped, and cut after
     * 500 characters (never inside a surrogate pair); empty for a blank body.
     */
    public static String bodyExcerpt(String rawBody) {
        return ErrorBodies.truncate(rawBody.strip(), MAX_RAW_BODY_CHARS);
    }

    /**
     * OpenAI's type for a 4xx error: {@code authentication_error} for 401, {@code permission_error}
     * for 403, {@code invalid_request_error} otherwise.
     */
    public static String invalidRequestType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            default -> "invalid_request_error";
        };
    }

    /**
     * The provider's message, with what the body says besides it: the offending Chat parameter when
     * the message does not name it, and the start of Groq's {@code failed_generation}.
     */
    private static String message(ErrorBody body, String rawBody, String fallback) {
        String message = body.message().strip();
        if (body.html()) {
            message = fallback + " with an HTML page: " + message;
        } else if (message.isEmpty()) {
            String raw = bodyExcerpt(rawBody);
            message = raw.isEmpty() ? fallback + " with an empty body" : fallback + ": " + raw;
        }
        message = ErrorBodies.truncate(message, ErrorBodies.MAX_MESSAGE_CHARS);
        String param = body.param();
        if (param != null && !message.contains(param)) {
            message = sentence(message) + " (upstream param: " + param + ")";
        }
        String failed = body.failedGeneration();
        if (failed != null) {
            message = sentence(message) + " failed_generation: "
                    + ErrorBodies.truncate(failed.strip(), ErrorBodies.MAX_FAILED_GENERATION_CHARS);
        }
        return message;
    }

    /** {@code text} ending in sentence punctuation, so another sentence can follow it. */
    private static String sentence(String text) {
        if (text.isEmpty()) {
            return text;
        }
        char last = text.charAt(text.length() - 1);
        return last == '.' || last == '!' || last == '?' || last == ')' ? text : text + ".";
    }

    private static String withReason(int status) {
        String reason = REASONS.get(status);
        return reason == null ? Integer.toString(status) : status + " " + reason;
    }

    /** Whether {@code status} is an HTTP error status (4xx or 5xx). */
    public static boolean isErrorStatus(int status) {
        return status >= 400 && status <= 599;
    }

    private static boolean containsAny(String haystack, List<String> markers) {
        for (String marker : markers) {
            if (haystack.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
