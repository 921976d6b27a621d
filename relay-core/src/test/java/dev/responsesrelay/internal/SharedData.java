package dev.responsesrelay.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference material beside the clone (real Codex captures, provider samples), located through
 * the {@code relay.shared.dir} system property that surefire sets.
 */
final class SharedData {
    private SharedData() {}

    static Path path(String relative) {
        String dir = System.getProperty("relay.shared.dir");
        if (dir == null) {
            throw new IllegalStateException("system property relay.shared.dir is not set (surefire sets it)");
        }
        return Path.of(dir).resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
