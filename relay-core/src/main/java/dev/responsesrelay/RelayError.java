package dev.responsesrelay;

import dev.responsesrelay.internal.JsonSyntax;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An error in the OpenAI shape, ready to send to a Responses client: an HTTP status plus the body
 * {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>The {@link #code()} values are the ones Codex acts on (see {@code docs/codex-wire.md} §2.3):
 * {@code context_length_exceeded} and {@code insufficient_quota} are fatal, {@code
 * rate_limit_exceeded} is retried after the delay named in the message ("try again in N s"), and
 * anything else is retried with backoff.
 */
public final class RelayError {
    private final int httpStatus;
    private final String type;
    private final @Nullable String code;
    private final String message;
    private final @Nullable String param;
    private final @Nullable Duration retryAfter;

    private RelayError(
            int httpStatus,
            String type,
            @Nullable String code,
            String message,
            @Nullable String param,
            @Nullable Duration retryAfter) {
        this.httpStatus = httpStatus;
        this.type = type;
        this.code = code;
        this.message = message;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    /**
     * Returns an error.
     *
     * @param httpStatus the status to answer with when nothing has been streamed yet (4xx or 5xx)
     * @param type the OpenAI error type, for example {@code invalid_request_error}
     * @param code the OpenAI error code, for example {@code rate_limit_exceeded}, or null
     * @param message a human-readable message
     * @param param the offending request parameter as a JSON path, or null
     * @param retryAfter how long the client should wait before retrying, or null
     */
    public static RelayError of(
            int httpStatus,
            String type,
            @Nullable String code,
            String message,
            @Nullable String param,
            @Nullable Duration retryAfter) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus must be 4xx or 5xx but was " + httpStatus);
        }
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(message, "message == null");
        return new RelayError(httpStatus, type, code, message, param, retryAfter);
    }

    /**
     * A 400 {@code invalid_request_error} saying where {@code text} stops being JSON, in plain words
     * ("{@code <subject> is not valid JSON: line 1, column 14: expected a comma or '}' after a
     * field, found ']'}"), or empty when it is JSON. For bodies a server parses itself, such as
     * WebSocket messages: the parser's own messages name its internals (issue 17).
     */
    public static Optional<RelayError> invalidJson(String subject, String text) {
        return JsonSyntax.problem(text)
                .map(problem -> invalidRequest(subject + " is not valid JSON: " + problem, null));
    }

    /** Returns a 400 {@code invalid_request_error} naming {@code param}. */
    public static RelayError invalidRequest(String message, @Nullable String param) {
        return of(400, "invalid_request_error", null, message, param, null);
    }

    /** The HTTP status to answer with when the response has not started streaming. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The OpenAI error type. */
    public String type() {
        return type;
    }

    /** The OpenAI error code, if any. */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /** The message shown to the user. */
    public String message() {
        return message;
    }

    /** The offending parameter as a JSON path such as {@code /input/3/content}, if known. */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    /** How long to wait before retrying, if the upstream said or the error implies it. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The value for an HTTP {@code Retry-After} header: whole seconds, rounded up, at least 1. Codex
     * honours {@code Retry-After} on a 429 and ignores {@code retry-after-ms}.
     */
    public Optional<String> retryAfterHeader() {
        if (retryAfter == null) {
            return Optional.empty();
        }
        long millis = Math.max(1, retryAfter.toMillis());
        return Optional.of(Long.toString((millis + 999) / 1000));
    }

    /** The OpenAI error body: {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}. */
    public String toJson() {
        return dev.responsesrelay.internal.Json.errorBody(this);
    }

    @Override
    public String toString() {
        return "RelayError{" + httpStatus + " " + type + "/" + code + ": " + message + "}";
    }
}
