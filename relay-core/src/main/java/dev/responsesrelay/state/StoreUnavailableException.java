package dev.responsesrelay.state;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import java.time.Duration;

/**
 * The store cannot be reached (a database that is down, a full disk). A request that needs stored
 * state is answered with {@link #error()}: HTTP 503 with {@code Retry-After}; requests that do not
 * need it go on without the store. The message never contains request content or keys.
 */
public final class StoreUnavailableException extends RelayException {
    private static final long serialVersionUID = 1L;

    /** How long a client is asked to wait before it tries again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * @param what what failed, for the client and the log, for example {@code "PostgreSQL at
     *     db:5432 refused the connection"}; without secrets
     */
    public StoreUnavailableException(String what, Throwable cause) {
        super(error(what), cause);
    }

    /** As {@link #StoreUnavailableException(String, Throwable)}, without a cause. */
    public StoreUnavailableException(String what) {
        super(error(what));
    }

    private static RelayError error(String what) {
        return RelayError.of(
                503,
                "server_error",
                "store_unavailable",
                "the response store is unavailable (" + what + "); this request needs stored conversation"
                        + " state. Try again later, or send the whole conversation in input without"
                        + " previous_response_id or item_reference",
                null,
                RETRY_AFTER);
    }
}
