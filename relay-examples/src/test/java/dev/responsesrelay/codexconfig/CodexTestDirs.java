package dev.responsesrelay.codexconfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the end-to-end tests keep Codex's state, and the relay's Codex config written into it. */
final class CodexTestDirs {
    private CodexTestDirs() {}

    /**
     * A fresh {@code CODEX_HOME} under {@code target/codex-e2e/}. Not under the system temp directory:
     * Codex 0.169 refuses to create its helper-binary PATH aliases under {@code /tmp} and warns about
     * it on every run (observed).
     */
    static Path newCodexHome() {
        Path base = Path.of(System.getProperty("user.dir"), "target", "codex-e2e");
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "home-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a CODEX_HOME under " + base, e);
        }
    }

    /**
     * Writes the relay's Codex config for {@code upstreamUrl} into {@code codexHome} with {@link
     * CodexConfigCommand}, as a user would, pointing Codex at a relay on {@code relayPort}.
     *
     * @throws AssertionError with the command's standard error if it fails
     */
    static void writeRelayConfig(Path codexHome, String upstreamUrl, int relayPort) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CodexConfigCommand.run(
                new String[] {
                    "--upstream", upstreamUrl, "--port", Integer.toString(relayPort), "--out", codexHome.toString()
                },
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new AssertionError("codex-config exited " + exit + ": " + err.toString(StandardCharsets.UTF_8));
        }
    }
}
