package dev.responsesrelay.codexconfig;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The real Codex CLI for end-to-end tests: finds {@code @openai/codex@0.169.0} in the git-ignored
 * {@code <repo>/.tools/codex-0.169.0/}, installing it there with npm on first use, and runs {@code
 * codex exec --json} in isolation.
 *
 * <p>Missing npm is a test failure, not a skip: these tests are the only proof that Codex accepts
 * what the relay sends, and a silently skipped proof is no proof.
 */
public final class CodexCli {
    static final String VERSION = "0.169.0";
    private static final String PACKAGE = "@openai/codex@" + VERSION;
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private static @Nullable CodexCli installed;

    private final Path executable;

    private CodexCli(Path executable) {
        this.executable = executable;
    }

    /** The installed CLI, installing it first if the cached copy is missing or is another version. */
    public static synchronized CodexCli installed() {
        CodexCli cli = installed;
        if (cli == null) {
            cli = install(repoRoot().resolve(".tools").resolve("codex-" + VERSION), System.getenv("PATH"));
            installed = cli;
        }
        return cli;
    }

    /** The {@code codex} launcher script npm put on {@code node_modules/.bin}. */
    public Path executable() {
        return executable;
    }

    /**
     * Runs {@code codex exec --json --skip-git-repo-check --strict-config -s workspace-write -C
     * workDir [extraArgs…] prompt} and waits for it.
     *
     * <p>Isolation: {@code CODEX_HOME} is the given directory, stdin is closed (otherwise Codex waits
     * for "additional input from stdin"), inherited {@code OPENAI_*} and {@code CODEX_*} variables are
     * removed, and every HTTP(S) proxy variable points at a closed loopback port with {@code NO_PROXY}
     * for loopback only: Codex can reach the relay on 127.0.0.1 and nothing else. The workspace-write
     * sandbox also keeps the commands it runs off the network.
     *
     * @throws AssertionError if Codex does not finish within {@code timeout}; it is killed first
     */
    CodexRun exec(
            Path codexHome, Path workDir, String relayApiKey, Duration timeout, List<String> extraArgs, String prompt)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                executable.toString(),
                "exec",
                "--json",
                "--skip-git-repo-check",
                "--strict-config",
                "-s",
                "workspace-write",
                "-C",
                workDir.toString()));
        command.addAll(extraArgs);
        command.add(prompt);
        Path stdout = Files.createTempFile(codexHome, "codex-stdout-", ".jsonl");
        Path stderr = Files.createTempFile(codexHome, "codex-stderr-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        isolate(builder.environment(), codexHome, relayApiKey);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("codex exec did not finish within " + timeout + "\nstdout:\n"
                    + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr));
        }
        return CodexRun.of(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /**
     * Isolates a Codex process's environment: {@code CODEX_HOME} is {@code codexHome}, inherited
     * {@code OPENAI_*} and {@code CODEX_*} variables are removed, {@code RELAY_API_KEY} is {@code
     * relayApiKey}, and every HTTP(S) proxy variable points at a closed loopback port with {@code
     * NO_PROXY} for loopback only, so Codex can reach the relay on 127.0.0.1 and nothing else.
     */
    public static void isolate(Map<String, String> env, Path codexHome, String relayApiKey) {
        env.keySet().removeIf(name -> {
            String upper = name.toUpperCase(Locale.ROOT);
            return upper.startsWith("OPENAI_") || upper.startsWith("CODEX_") || upper.endsWith("_PROXY");
        });
        env.put("CODEX_HOME", codexHome.toString());
        env.put("RELAY_API_KEY", relayApiKey);
        String deadProxy = "http://127.0.0.1:9";
        for (String name :
                List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")) {
            env.put(name, deadProxy);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("no_proxy", "127.0.0.1,localhost");
    }

    /**
     * Returns the CLI in {@code dir}, installing it there first if needed.
     *
     * @param searchPath the PATH to look for npm on
     * @throws AssertionError if npm is needed but not on {@code searchPath}, or the install fails
     */
    static CodexCli install(Path dir, @Nullable String searchPath) {
        Path launcher = dir.resolve("node_modules").resolve(".bin").resolve(isWindows() ? "codex.cmd" : "codex");
        try {
            Files.createDirectories(dir);
            // Another build of the same checkout may be installing at the same moment.
            try (FileChannel channel = FileChannel.open(
                    dir.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    return installLocked(dir, launcher, searchPath);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + PACKAGE + " into " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
        }
    }

    private static CodexCli installLocked(Path dir, Path launcher, @Nullable String searchPath)
            throws IOException, InterruptedException {
        if (reportsVersion(launcher)) {
            return new CodexCli(launcher);
        }
        Path npm = findOnPath(isWindows() ? "npm.cmd" : "npm", searchPath)
                .orElseThrow(() -> new AssertionError("npm is not on the PATH. The end-to-end tests run the real"
                        + " Codex CLI " + VERSION + " and install it with `npm install " + PACKAGE + "` into " + dir
                        + ". Install Node.js 18+ with npm (https://nodejs.org) and run the build again."));
        runNpmInstall(npm, dir);
        if (!reportsVersion(launcher)) {
            throw new AssertionError("npm installed " + PACKAGE + " into " + dir + " but " + launcher
                    + " --version does not report codex-cli " + VERSION);
        }
        return new CodexCli(launcher);
    }

    private static void runNpmInstall(Path npm, Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("npm-install.log");
        Process process = new ProcessBuilder(
                        npm.toString(),
                        "install",
                        "--prefix",
                        dir.toString(),
                        "--no-save",
                        "--no-audit",
                        "--no-fund",
                        "--no-update-notifier",
                        "--loglevel=error",
                        PACKAGE)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(
                    "npm install " + PACKAGE + " did not finish within " + INSTALL_TIMEOUT + "; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("npm install " + PACKAGE + " failed with exit code " + process.exitValue() + ":\n"
                    + Files.readString(log));
        }
    }

    private static boolean reportsVersion(Path launcher) throws IOException, InterruptedException {
        if (!Files.isExecutable(launcher)) {
            return false;
        }
        Process process = new ProcessBuilder(launcher.toString(), "--version")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0 && output.strip().equals("codex-cli " + VERSION);
    }

    private static Optional<Path> findOnPath(String program, @Nullable String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : Pattern.compile(Pattern.quote(File.pathSeparator))
                .splitAsStream(path)
                .toList()) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The checkout's root: the nearest directory upwards from the working directory with {@code .mvn/}. */
    static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".mvn")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Maven checkout root (a directory with .mvn/ and pom.xml) above " + start);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
