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
}
