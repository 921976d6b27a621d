package dev.responsesrelay.okhttp;

import java.nio.ByteBuffer;
import okhttp3.Headers;

/**
 * Sees a non-streamed exchange's upstream answer as it arrives, for recording and debugging (a
 * streamed exchange's {@link ResponsesListener} has the same two callbacks). Called on the thread
 * that reads the upstream. Both methods do nothing by default.
 */
public interface UpstreamTap {
    /** A tap that ignores everything. */
    UpstreamTap NONE = new UpstreamTap() {};

    /** The upstream's status line and headers arrived. */
    default void onUpstreamResponse(int status, Headers headers) {}

    /** Raw body bytes as received; {@code bytes} is only valid during the call. */
    default void onUpstreamBytes(ByteBuffer bytes) {}

    /**
     * Asks whether the exchange may hold about {@code heapBytes} more of heap for the upstream's
     * answer (issue 18): asked with what its {@code Content-Length} needs before a 2xx answer is
     * read, or, without one, for each growth of the buffer it is read into. Answer false to refuse:
     * reading stops, and the client gets HTTP 503 {@code server_overloaded} with {@code Retry-After}
     * (the OpenAI SDKs and Codex retry it) instead of the relay running out of heap. A server charges
     * the request's memory budget here, and gives the charge back when the request is over; the
     * adapter gives nothing back itself. Called on the thread reading the upstream, which it may
     * block for a short, bounded time while it waits for room. By default everything is admitted.
     */
    default boolean admitAnswer(long heapBytes) {
        return true;
    }
}
