package dev.responsesrelay.server.config;

/** A configuration file the relay cannot start with; the message names the file, line and key. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
