package dev.responsesrelay.server;

import dev.responsesrelay.codexconfig.CodexConfigCommand;
import dev.responsesrelay.doctor.DoctorCommand;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code java -jar relay-server.jar}: runs the relay server, or with a first argument {@code
 * codex-config}, prints a Codex configuration for it. {@code --help} lists the options.
 */
public final class Main {
    private Main() {}

    /** Runs the command line; exits with 2 on a usage error and 1 if the server cannot start. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("codex-config")) {
            System.exit(CodexConfigCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("doctor")) {
            System.exit(DoctorCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        configureLogging();
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("relay-server: " + e.getMessage());
            System.err.println("Run with --help for the options.");
            System.exit(2);
            return;
        }
        if (options.helpRequested()) {
            System.out.print(ServerOptions.usage());
            return;
        }
        RelayServer server;
        try {
            server = RelayServer.start(options);
        } catch (Exception e) {
            // One line saying what and which flag to change (issue 17); the stack trace only when
            // the user turned up java.util.logging for the server.
            System.err.println("relay-server: " + StartupFailure.describe(e, options));
            Logger.getLogger("dev.responsesrelay.server").log(Level.FINE, "start-up failure", e);
            System.exit(1);
            return;
        }
        // SIGTERM / Ctrl-C: refuse new requests, give open streams a few seconds, then exit.
        // java.util.logging resets itself in its own shutdown hook, so this message goes to stderr.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.err.println("relay: stopping; open streams get up to "
                                    + RelayServer.SHUTDOWN_GRACE.toSeconds() + " s to finish");
                            server.close();
                        },
                        "relay-shutdown"));
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One line per log record, unless the user configured java.util.logging themselves. Must run
     * before the first logger is used, since SimpleFormatter reads its format once.
     */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        }
    }
}
