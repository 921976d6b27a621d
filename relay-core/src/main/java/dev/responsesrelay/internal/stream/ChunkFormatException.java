package dev.responsesrelay.internal.stream;

/**
 * An upstream chunk or completion body that cannot be read as Chat Completions JSON: invalid JSON,
 * or a known field of an impossible type. The stream machine turns it into {@code response.failed};
 * it never reaches the caller.
 */
final class ChunkFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code what} went wrong at the JSON pointer {@code path} ("" for the root). */
    ChunkFormatException(String what, String path) {
        super(path.isEmpty() ? what : what + " at " + path);
    }
}
