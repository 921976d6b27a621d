package dev.responsesrelay.server.http;

import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What the relay measured about one finished request, WebSocket message or WebSocket close: the
 * numbers behind its access-log line (issue 16 §Operations, issue 17), handed once to every
 * {@link AccessLog#listen listener} so that metrics read the same figures the log shows. Never
 * content, never keys: the model name and the error message a client was sent are the only texts
 * taken from an exchange. Times are nanoseconds since the request (or WebSocket message) arrived.
 *
 * @param requestId the {@code x-request-id} sent back (the client's own when it sent a plain one)
 * @param route {@code "POST /v1/responses"}, {@code "GET /v1/models"}, {@code "WEBSOCKET
 *     /v1/responses"} (one message), {@code "WEBSOCKET close /v1/responses"}, …
 * @param model the model the request asked for, if it named one
 * @param upstream the configured upstream that answered (routing's name), if one was called
 * @param status the HTTP status sent (for a WebSocket message, the status of its error event, or
 *     200; for a close, the close code)
 * @param upstreamStatus the upstream's HTTP status, 0 if the upstream was not called or not reached
 * @param firstByteNanos the first byte sent to the client, -1 if none was sent
 * @param upstreamStartNanos the (last) upstream call's start, -1 if no upstream was called
 * @param upstreamHeadersNanos the answering upstream's response headers, -1 if none came
 * @param upstreamEndNanos the end of the upstream's answer, -1 if no upstream was called
 * @param totalNanos the end of the answer to the client
 * @param tokens the usage the answer reported, if it reported any
 * @param outcome the Responses status ({@code completed}, {@code incomplete}, {@code failed}), if
 *     an answer carried one
 * @param reason why the request was refused or failed, in the words the client was sent
 * @param fallbacks how many upstreams failed before any byte reached the client, each replaced by
 *     the next one of the model's fallbacks (docs/OPERATIONS.md "Routing")
 */
public record MeasuredExchange(
        String requestId,
        String route,
        @Nullable String model,
        @Nullable String upstream,
        int status,
        int upstreamStatus,
        long firstByteNanos,
        long upstreamStartNanos,
        long upstreamHeadersNanos,
        long upstreamEndNanos,
        long totalNanos,
        @Nullable Tokens tokens,
        @Nullable String outcome,
        @Nullable String reason,
        int fallbacks) {

    /** Token counts as the upstream reported them (Responses {@code usage}). */
    public record Tokens(long input, long cached, long reasoning, long output) {}

    /** The usage, if the answer reported it. */
    public Optional<Tokens> usage() {
        return Optional.ofNullable(tokens);
    }

    /** {@link #firstByteNanos} when a byte was sent. */
    public OptionalLong firstByte() {
        return firstByteNanos < 0 ? OptionalLong.empty() : OptionalLong.of(firstByteNanos);
    }
}
