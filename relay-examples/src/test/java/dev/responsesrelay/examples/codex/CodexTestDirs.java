package dev.responsesrelay.examples.codex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the end-to-end tests keep Codex's state. */
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
}
