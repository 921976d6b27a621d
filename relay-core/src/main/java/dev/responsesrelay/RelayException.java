package dev.responsesrelay;

/** Base class of the exceptions the relay throws on purpose. Unchecked, as in Jackson 3 and Moshi. */
public class RelayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RelayError error;

    /** Creates an exception that carries the error a server should answer with. */
    public RelayException(RelayError error) {
        super(error.message());
        this.error = error;
    }

    /** Creates an exception that carries the error a server should answer with, and its cause. */
    public RelayException(RelayError error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    /** The error to send to the client. */
    public RelayError error() {
        return error;
    }
}
