package dev.responsesrelay.clients;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The npm Responses clients (openai-node, the AI SDK, the Agents SDK, LangChain JS) for end-to-end
 * tests, installed the way {@code dev.responsesrelay.codexconfig.CodexCli} installs Codex: with
 * {@code npm ci} into the git-ignored {@code <repo>/.tools/node-clients-<hash>/} on first use, under
 * a file lock, from the {@code package.json} and {@code package-lock.json} next to this class's
 * resources. The hash is of those two files, so changing a pinned version installs afresh.
 *
 * <p>Missing node or npm is a test failure, not a skip: these tests are the proof that the clients
 * accept what the relay sends.
 */
final class NodeClients {
    private static final String RESOURCES = "dev/responsesrelay/clients/";
    private static final List<String> MANIFESTS = List.of("package.json", "package-lock.json");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    /** Marks a complete install; written last, so an interrupted install is redone. */
    private static final String INSTALLED_MARKER = ".installed";

    private static @Nullable NodeClients installed;

    private final Path dir;
    private final Path node;

    private NodeClients(Path dir, Path node) {
        this.dir = dir;
        this.node = node;
    }

    /** The installed clients, installing them first if this checkout has no complete install. */
    static synchronized NodeClients installed() {
        NodeClients clients = installed;
        if (clients == null) {
            String path = System.getenv("PATH");
            Path node = findOnPath(isWindows() ? "node.exe" : "node", path)
                    .orElseThrow(() -> new AssertionError("node is not on the PATH. The end-to-end tests run the real"
                            + " npm Responses clients; install Node.js 20+ with npm (https://nodejs.org) and run the"
                            + " build again."));
            byte[][] manifests = MANIFESTS.stream().map(NodeClients::resource).toArray(byte[][]::new);
            Path dir = repoRoot().resolve(".tools").resolve("node-clients-" + hash(manifests));
            install(dir, manifests, path);
            clients = new NodeClients(dir, node);
            installed = clients;
        }
        return clients;
    }

    /**
     * Runs {@code node SCRIPT SCENARIO} with the client's standard environment pointing at {@code
     * baseUrl}: {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY}, nothing else from the user's
     * {@code OPENAI_*}, {@code LANGCHAIN_*} or {@code LANGSMITH_*} variables, and the Agents SDK's
     * tracing export (to api.openai.com) turned off.
     *
     * @param script a script among this class's resources, for example {@code openai-node.mjs}
     * @throws AssertionError if the script does not finish within {@link #SCRIPT_TIMEOUT}
     */
    NodeRun run(String script, String scenario, String baseUrl, String apiKey) {
        return run(script, scenario, baseUrl, apiKey, Map.of());
    }

    /** {@link #run(String, String, String, String)} with more environment variables for the script. */
    NodeRun run(String script, String scenario, String baseUrl, String apiKey, Map<String, String> extraEnv) {
        try {
            Path scripts = dir.resolve("scripts");
            Files.createDirectories(scripts);
            // The scripts live next to node_modules so that their bare imports resolve there; they
            // are copied on every run, so editing one under src/test/resources takes effect at once.
            copyResource("lib.mjs", scripts);
            Path target = copyResource(script, scripts);
            Path stdout = Files.createTempFile(scripts, "stdout-", ".json");
            Path stderr = Files.createTempFile(scripts, "stderr-", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(node.toString(), target.toString(), scenario)
                        .directory(scripts.toFile())
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile());
                Map<String, String> env = builder.environment();
                env.keySet().removeIf(name -> {
                    String upper = name.toUpperCase(Locale.ROOT);
                    return upper.startsWith("OPENAI_")
                            || upper.startsWith("LANGCHAIN_")
                            || upper.startsWith("LANGSMITH_")
                            || upper.startsWith("NODE_OPTIONS");
                });
                env.put("OPENAI_BASE_URL", baseUrl);
                env.put("OPENAI_API_KEY", apiKey);
                env.put("OPENAI_AGENTS_DISABLE_TRACING", "1");
                env.putAll(extraEnv);
                Process process = builder.start();
                process.getOutputStream().close();
                if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(script + " " + scenario + " did not finish within " + SCRIPT_TIMEOUT
                            + "\nstdout:\n" + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr));
                }
                return NodeRun.of(
                        script + " " + scenario,
                        process.exitValue(),
                        Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private Path copyResource(String name, Path scripts) throws IOException {
        Path target = scripts.resolve(name);
        byte[] content = resource(name);
        if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
            return target;
        }
        // Write aside and move, so a parallel build of the same checkout never runs a half-written file.
        Path temporary = Files.createTempFile(scripts, name, ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static void install(Path dir, byte[][] manifests, @Nullable String searchPath) {
        try {
            Files.createDirectories(dir);
            // Another build of the same checkout may be installing at the same moment.
            try (FileChannel channel = FileChannel.open(
                    dir.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    if (Files.isRegularFile(dir.resolve(INSTALLED_MARKER))) {
                        return;
                    }
                    for (int i = 0; i < MANIFESTS.size(); i++) {
                        Files.write(dir.resolve(MANIFESTS.get(i)), manifests[i]);
                    }
                    Path npm = findOnPath(isWindows() ? "npm.cmd" : "npm", searchPath)
                            .orElseThrow(() -> new AssertionError("npm is not on the PATH. The end-to-end tests"
                                    + " install the npm Responses clients with `npm ci` into " + dir + ". Install"
                                    + " Node.js 20+ with npm (https://nodejs.org) and run the build again."));
                    runNpmCi(npm, dir);
                    Files.writeString(dir.resolve(INSTALLED_MARKER), "npm ci completed\n");
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the npm clients into " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the npm clients", e);
        }
    }

    private static void runNpmCi(Path npm, Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("npm-ci.log");
        // --engine-strict=false: several pinned packages declare node >=22, and the tested flows
        // run on Node 20 (see package.json's description); a user's engine-strict npmrc must not
        // turn that into a failed install.
        Process process = new ProcessBuilder(
                        npm.toString(),
                        "ci",
                        "--no-audit",
                        "--no-fund",
                        "--no-update-notifier",
                        "--engine-strict=false",
                        "--loglevel=error")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("npm ci in " + dir + " did not finish within " + INSTALL_TIMEOUT + "; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("npm ci in " + dir + " failed with exit code " + process.exitValue() + ":\n"
                    + Files.readString(log));
        }
    }

    private static byte[] resource(String name) {
        ClassLoader loader = NodeClients.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + RESOURCES + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + RESOURCES + name, e);
        }
    }

    private static String hash(byte[][] contents) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] content : contents) {
                sha256.update(content);
            }
            return HexFormat.of().formatHex(sha256.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
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
    private static Path repoRoot() {
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
