package dev.responsesrelay;

import org.jspecify.annotations.Nullable;

/**
 * The Responses request cannot be translated: it is not JSON, has a wrong type at some path, or asks
 * for something the relay refuses (for example {@code previous_response_id}). A server answers with
 * {@link #error()}: HTTP 400 and an OpenAI error body whose {@code param} is the JSON path.
 */
public final class InvalidRequestException extends RelayException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message reads {@code "<message> at <path>"}. */
    public InvalidRequestException(String message, @Nullable String path) {
        super(RelayError.invalidRequest(path == null ? message : message + " at " + path, path));
    }

    /** As {@link #InvalidRequestException(String, String)}, keeping the cause. */
    public InvalidRequestException(String message, @Nullable String path, Throwable cause) {
        super(RelayError.invalidRequest(path == null ? message : message + " at " + path, path), cause);
    }

    /** The JSON path of the offending value, such as {@code /input/3/content/0/type}, if known. */
    public @Nullable String path() {
        return error().param().orElse(null);
    }
}
