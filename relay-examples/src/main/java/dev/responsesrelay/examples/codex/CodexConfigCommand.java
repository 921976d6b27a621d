package dev.responsesrelay.examples.codex;

import java.io.PrintStream;

/**
 * Placeholder for the {@code codex-config} subcommand, which another branch implements; this file
 * only fixes the entry point {@link dev.responsesrelay.examples.Main} dispatches to.
 */
public final class CodexConfigCommand {
    private CodexConfigCommand() {}

    /** Prints that the command is not available yet and returns exit code 2. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        err.println("codex-config is not available yet");
        return 2;
    }
}
