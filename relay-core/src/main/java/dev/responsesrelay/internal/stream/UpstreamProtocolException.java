package dev.responsesrelay.internal.stream;

/**
 * The upstream broke the Chat Completions protocol in a way the translator will not repair (for
 * example a tool call that never got a name, or an anomaly whose healing rule is disabled). Thrown
 * inside the stream machine's step and turned into {@code response.failed} with code {@code
 * server_error}; it never reaches the caller.
 */
final class UpstreamProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UpstreamProtocolException(String message) {
        super(message);
    }
}
