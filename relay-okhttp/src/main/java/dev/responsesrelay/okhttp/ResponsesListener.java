package dev.responsesrelay.okhttp;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import java.nio.ByteBuffer;
import java.util.List;
import okhttp3.Headers;

/**
 * Receives the Responses events of one streamed exchange as they are produced. An abstract class,
 * as OkHttp's {@code EventSourceListener} is, so callbacks can be added later without breaking
 * implementations.
 *
 * <p>Order and threads: the first {@link #onEvents} call (with {@code response.created} and {@code
 * response.in_progress}) happens on the thread that calls {@link OkHttpRelay#stream}, before that
 * method returns and before the upstream answers. Every later call happens on the one OkHttp thread
 * that reads the upstream, one at a time, so a listener needs no locking of its own for these
 * callbacks. {@link #onClosed} comes last, exactly once.
 *
 * <p>Batches: each {@link #onEvents} call after the first carries every event translated from one
 * read of the upstream body. A slow upstream's read holds one chunk; a fast upstream packs dozens of
 * chunks into one read, and they arrive in one call as soon as that read is translated. A server
 * can therefore write and flush once per call: as live as writing event by event, with one write
 * instead of one per chunk.
 *
 * <p>Backpressure: the upstream is not read while a callback runs, so a listener that writes to a
 * slow client with blocking writes slows the upstream down instead of buffering.
 *
 * <p>If a callback throws, the upstream call is cancelled at once and only {@link #onClosed}
 * follows; a server whose write to its client failed can simply let the exception propagate.
 */
public abstract class ResponsesListener {
    /** Creates a listener. */
    protected ResponsesListener() {}

    /**
     * The upstream's status line and headers arrived. A 2xx status means the stream is open and its
     * events follow; any other status is followed by {@link #onUpstreamError}. A server that holds
     * back its own response headers can commit them on a 2xx here.
     */
    public void onUpstreamResponse(RelayCall call, int status, Headers headers) {}

    /**
     * Raw bytes of the upstream body, exactly as received (SSE, or an error body), for recording
     * and debugging. {@code bytes} is only valid during the call; copy what you keep. Does nothing
     * by default.
     */
    public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {}

    /**
     * Events to send to the client, in order: all those of one upstream read (see the class
     * comment). Never called with an empty list. The list is the listener's to keep; it is not
     * changed after the call.
     */
    public abstract void onEvents(RelayCall call, List<SseEvent> events);

    /**
     * The exchange failed before any event beyond the initial {@code response.created} and {@code
     * response.in_progress}: the upstream answered with an HTTP error, could not be reached,
     * stalled beyond the idle timeout, or its first event was an error.
     *
     * <p>A server that has not yet sent anything answers with {@code error}: its {@link
     * RelayError#httpStatus()}, {@link RelayError#toJson()} as the body and {@link
     * RelayError#retryAfterHeader()} as {@code Retry-After} (Codex treats HTTP 400 as fatal and
     * retries HTTP 429 after {@code Retry-After}). A server that already sent the initial events
     * sends {@code events} instead, which end in {@code response.failed} with the same error. The
     * default sends {@code events} through {@link #onEvents}.
     */
    public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
        if (!events.isEmpty()) {
            onEvents(call, events);
        }
    }

    /**
     * The exchange is over: the terminal event was delivered, or the call was cancelled. Called
     * exactly once, after every other callback. The upstream connection is released by then.
     */
    public void onClosed(RelayCall call) {}
}
