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
}
