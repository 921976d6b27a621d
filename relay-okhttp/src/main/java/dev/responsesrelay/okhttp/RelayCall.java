package dev.responsesrelay.okhttp;

/**
 * One exchange with the upstream, started by {@link OkHttpRelay}. The handle to cancel it.
 * Thread-safe.
 */
public interface RelayCall {
    /**
     * Cancels the upstream request at once: the connection is closed, so the provider stops
     * generating (and billing) tokens. No events are delivered after this returns, except that {@link
     * ResponsesListener#onClosed} still follows exactly once. Calling it again, or after the exchange
     * finished, does nothing.
     */
    void cancel();

    /** Whether {@link #cancel()} was called, by the caller or because a listener threw. */
    boolean isCanceled();

    /**
     * For a server's timer while the upstream is silent (issue 13 §3): hands the listener a
     * repeated {@code response.in_progress} ({@code ResponsesStream.onIdle()}), so that a client
     * whose idle timer counts only events (Codex) keeps waiting for a live upstream. It runs on the
     * calling thread under the stream's own lock, so {@code sequence_number} stays in order; when
     * the reading thread holds that lock, events are flowing and nothing is sent. Call it from a
     * thread that may block, as the listener's write can.
     *
     * @return whether an event went to the listener: false before the stream started, once it is
     *     terminal or cancelled, while events are being delivered, and for a non-streamed exchange
     */
    boolean keepClientAlive();
}
