package dev.responsesrelay.server;

import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Why the relay could not start, in one line that names the flag to change (issue 17: a port in
 * use printed a 28-line stack trace). The causes a user can meet are recognised; anything else is
 * named by its innermost cause's class and message, still on one line.
 */
final class StartupFailure {
    private StartupFailure() {}

    /** One line for {@code failure}, without a stack trace. */
    static String describe(Throwable failure, ServerOptions options) {
        String where = options.host() + ":" + options.port();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            if (cause instanceof BindException) {
                if (lower.contains("in use")) {
                    return "port " + options.port() + " on " + options.host()
                            + " is already in use (another relay or server is listening there): choose another"
                            + " with --port N (or RELAY_PORT), or --port 0 for any free port";
                }
                if (lower.contains("permission") || lower.contains("access")) {
                    return "no permission to listen on " + where
                            + ": ports below 1024 need privileges; choose --port 1024 or above";
                }
                if (lower.contains("assign")) {
                    return "cannot listen on " + where + ": " + options.host()
                            + " is not an address of this machine; fix --host (or RELAY_HOST), e.g. 127.0.0.1";
                }
                return "cannot listen on " + where + " (" + message + "): change --host or --port";
            }
            if (cause instanceof UnknownHostException) {
                return "--host " + options.host() + " is not a known host name; use an address such as 127.0.0.1";
            }
            if (cause instanceof AccessDeniedException denied) {
                return "no permission to write " + denied.getFile() + recordHint(options);
            }
            if (cause instanceof FileSystemException fileSystem) {
                return "cannot use " + fileSystem.getFile() + " (" + fileSystem.getReason() + ")" + recordHint(options);
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return "the relay could not start on " + where + ": " + root.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.replaceAll("\\s+", " "));
    }

    private static String recordHint(ServerOptions options) {
        return options.recordDir()
                .map(dir -> "; choose another --record DIR (now " + dir + ")")
                .orElse("");
    }
}
