package dev.responsesrelay.codexconfig;

import org.jspecify.annotations.Nullable;

/** Why {@code codex-config} could not produce a configuration, with the exit code to report. */
final class CodexConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for a bad command line. */
    static final int USAGE = 2;

    /** Exit code for everything else: the upstream, the network, the file system. */
    static final int FAILURE = 1;

    private final int exitCode;

    CodexConfigException(String message) {
        this(message, FAILURE, null);
    }

    CodexConfigException(String message, @Nullable Throwable cause) {
        this(message, FAILURE, cause);
    }

    private CodexConfigException(String message, int exitCode, @Nullable Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CodexConfigException usage(String message) {
        return new CodexConfigException(message, USAGE, null);
    }

    int exitCode() {
        return exitCode;
    }
}
