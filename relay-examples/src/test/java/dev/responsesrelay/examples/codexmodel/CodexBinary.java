package dev.responsesrelay.examples.codexmodel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds the real Codex CLI 0.169.0 for tests, installing it with npm into {@code
 * <repo>/.tools/codex-0.169.0/} (git-ignored) the first time. Fails, never skips: a test that
 * needs the binary and cannot get it must say why.
 *
 * <p>Another helper of the same kind is being written for the Codex config generator; the two are
 * meant to be unified.
 */
public final class CodexBinary {
    static final String VERSION = "0.169.0";

    private static @Nullable Path cached;

    private CodexBinary() {}

    /** The {@code codex} launcher of a local {@code @openai/codex@0.169.0} install. */
    public static synchronized Path path() {
        Path known = cached;
        if (known != null) {
            return known;
        }
        Path installDir = repositoryRoot().resolve(".tools").resolve("codex-" + VERSION);
        Path binary = installDir.resolve("node_modules").resolve(".bin").resolve("codex");
        if (!reportsVersion(binary)) {
            install(installDir);
            if (!reportsVersion(binary)) {
                throw new AssertionError("npm installed @openai/codex@" + VERSION + " into " + installDir + " but "
                        + binary + " --version does not report " + VERSION);
            }
        }
        cached = binary;
        return binary;
    }

    /** The directory holding {@code mvnw}, found from the test's working directory upwards. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.exists(candidate.resolve("mvnw")) && Files.exists(candidate.resolve("relay-examples"))) {
                return candidate;
            }
        }
        throw new AssertionError("cannot find the repository root (a directory with mvnw) above " + dir);
    }

    private static boolean reportsVersion(Path binary) {
        if (!Files.isExecutable(binary)) {
            return false;
        }
        try {
            Result result = run(List.of(binary.toString(), "--version"), 60);
            return result.exitCode == 0 && result.output.contains(VERSION);
        } catch (IOException e) {
            return false;
        }
    }

    private static void install(Path installDir) {
        List<String> command = List.of(
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                installDir.toString(),
                "@openai/codex@" + VERSION);
        try {
            Files.createDirectories(installDir);
        } catch (IOException e) {
            throw new AssertionError("cannot create " + installDir, e);
        }
        Result result;
        try {
            result = run(command, 600);
        } catch (IOException e) {
            throw new AssertionError(
                    "These tests run the real Codex CLI " + VERSION + " and install it with npm into "
                            + installDir + ", but npm could not be started (" + e.getMessage()
                            + "). Install Node.js and npm, or run: " + String.join(" ", command),
                    e);
        }
        if (result.exitCode != 0) {
            throw new AssertionError(
                    String.join(" ", command) + " failed with status " + result.exitCode + ":\n" + result.output);
        }
    }

    private static Result run(List<String> command, long timeoutSeconds) throws IOException {
        // Output goes to a file, not a pipe, so waiting with a timeout cannot deadlock on a full pipe.
        Path log = Files.createTempFile("codex-binary-", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private record Result(int exitCode, String output) {}
}
