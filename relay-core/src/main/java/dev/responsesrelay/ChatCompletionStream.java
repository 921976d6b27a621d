package dev.responsesrelay;

import java.util.List;
import java.util.Optional;

/**
 * Translates one upstream Responses API event stream into Chat Completions {@code
 * chat.completion.chunk} payloads: the reverse direction, for Chat Completions clients talking to a
 * Responses-only upstream. Single use, and not thread-safe: confine each instance to the thread that
 * reads the upstream.
 *
 * <p>Every method returns the {@code data} payloads to send to the client, in order; write each one
 * with {@link SseEncoder#encodeData(String)}. An empty list means "nothing yet". A successful stream
 * ends with a chunk carrying {@code finish_reason}, then (when the client asked for {@code
 * stream_options.include_usage} and the upstream reported usage) a chunk with {@code "choices": []}
 * and {@code usage}, then {@link #DONE}.
 *
 * <p>The stream fails closed: a {@code response.failed} event, an {@code error} event, an
 * unreadable event, an upstream failure, or an upstream that ends without a terminal event ends the
 * stream with one error payload {@code {"error":{"message","type","param","code"}}} and no {@link
 * #DONE}. That is what OpenAI sends for a mid-stream error, and both openai-java ({@code SseHandler})
 * and openai-python ({@code Stream.__stream__}) raise on a data payload with a top-level {@code
 * error}, so the client's call fails instead of returning a truncated answer; a hand-rolled client
 * that only looks for {@code [DONE]} also sees that the stream did not finish.
 *
 * <p>Once {@link #isTerminal()} is true, every method returns an empty list, so a caller can keep
 * draining the upstream after the end.
 */
public interface ChatCompletionStream {
    /** The sentinel payload that ends a successful Chat Completions stream. */
    String DONE = "[DONE]";

    /**
     * Emits the first chunk ({@code delta: {"role": "assistant", "content": ""}}) if it was not
     * emitted yet. A server may call it as soon as it commits to a 200 answer, so the client gets
     * bytes at once; the first upstream event that produces output calls it implicitly.
     */
    List<String> start();

    /** Handles one upstream SSE {@code data} payload: a Responses streaming event as JSON. */
    List<String> onData(String data);

    /**
     * Handles one decoded upstream SSE event. Same as {@link #onData} for ordinary events; an event
     * named {@code error} fails the stream whatever its data says.
     */
    List<String> onEvent(SseEvent upstreamEvent);

    /**
     * The upstream stream ended (EOF). If no {@code response.completed} or {@code
     * response.incomplete} was seen, this fails the stream: a stream cut off mid-answer never looks
     * like a success.
     */
    List<String> onEnd();

    /** The upstream failed: an HTTP error status, or a transport error. Fails the stream. */
    List<String> onFailure(UpstreamFailure failure);

    /**
     * Whether the first chunk has been emitted. While it is false a server has sent nothing, and may
     * still answer a failed stream with {@link #error()}'s HTTP status and body instead of the error
     * payload.
     */
    boolean hasStarted();

    /** Whether the stream has ended, successfully or not. */
    boolean isTerminal();

    /** The error the stream failed with, once terminal and failed. */
    Optional<RelayError> error();
}
