package dev.responsesrelay.codexconfig;

import static dev.responsesrelay.codexconfig.ChatChunks.content;
import static dev.responsesrelay.codexconfig.ChatChunks.finish;
import static dev.responsesrelay.codexconfig.ChatChunks.quote;
import static dev.responsesrelay.codexconfig.ChatChunks.role;
import static dev.responsesrelay.codexconfig.ChatChunks.toolCallStart;
import static dev.responsesrelay.codexconfig.ChatChunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's walk "From a clone to a Codex session on a local model" (issue 17), run as written:
 * the relay and {@code codex-config} lines of its shell blocks with their own arguments, and its
 * {@code codex exec} line with the real Codex CLI 0.169.0 in a git repository. A scripted Chat
 * upstream stands in for Ollama (it answers on another port than 11434, and only the URL is
 * swapped); its answer is a synthetic apply_patch call in OpenAI's chunk shape
 * (https://platform.openai.com/docs/api-reference/chat-streaming) that creates a file. With the
 * README's {@code -s workspace-write} the file appears; without it Codex's read-only default keeps
 * the workspace unchanged, which is what the README says about the sandbox.
 */
class ReadmeLocalWalkthroughTest {
    private static final String SECTION = "## From a clone to a Codex session on a local model";
    private static final String OLLAMA_URL = "http://127.0.0.1:11434/v1";
    private static final String JAR = "java -jar relay-examples/target/relay-server.jar ";
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");
    private static final Pattern WORD = Pattern.compile("\"([^\"]*)\"|(\\S+)");

    private final ScriptedChatUpstream ollama = ScriptedChatUpstream.start();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path project;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        ollama.close();
    }

    @Test
    void theReadmesCommandsLetCodexWriteAFileThroughTheRelay() throws Exception {
        Walkthrough walk = walkthrough();
        Path codexHome = setUp(walk);

        Path written = runCodexExec(walk.codexExec(), codexHome);

        assertThat(written).hasContent("target/");
        assertThat(ollama.chatRequests().get(1).body()).contains("Success. Updated the following files");
    }

    @Test
    void withoutTheSandboxFlagCodexExecLeavesTheWorkspaceAlone() throws Exception {
        Walkthrough walk = walkthrough();
        Path codexHome = setUp(walk);
        List<String> readOnly = new ArrayList<>(walk.codexExec());
        int sandbox = readOnly.indexOf("-s");
        assertThat(sandbox).as("the README's codex exec line passes -s").isPositive();
        readOnly.subList(sandbox, sandbox + 2).clear();

        Path written = runCodexExec(readOnly, codexHome);

        assertThat(written).doesNotExist();
        // Codex did try: the patch's result went back upstream, and it is not a success.
        assertThat(ollama.chatRequests().get(1).body())
                .contains("call_add")
                .doesNotContain("Success. Updated the following files");
    }

    @Test
    void itsBuildLineMakesTheJarItsOtherLinesRun() throws IOException {
        Walkthrough walk = walkthrough();

        assertThat(walk.commands()).contains(List.of("./mvnw", "-B", "-ntp", "-DskipTests", "package"));
        // The shade plugin's goal runs in the package phase and writes the jar the lines name.
        assertThat(Files.readString(CodexCli.repoRoot().resolve("relay-examples/pom.xml")))
                .contains("<outputFile>${project.build.directory}/relay-server.jar</outputFile>");
        assertThat(JAR).contains("relay-examples/target/relay-server.jar");
    }

    /** Starts the relay and runs codex-config as the README's lines say; returns the Codex home. */
    private Path setUp(Walkthrough walk) throws Exception {
        ollama.models("qwen3:8b");
        assertThat(walk.relay()).containsSequence("--upstream", OLLAMA_URL);
        List<String> relayArgs = swap(walk.relay(), ollama.baseUrl());
        relayArgs.set(relayArgs.indexOf("--port") + 1, "0"); // an ephemeral port: tests run side by side
        RelayServer relay = RelayServer.start(relayArgs.toArray(String[]::new));
        toClose.add(relay);

        List<String> configArgs = swap(walk.codexConfig(), ollama.baseUrl());
        assertThat(configArgs.get(0)).isEqualTo("codex-config");
        configArgs.remove(0);
        configArgs.addAll(List.of("--port", String.valueOf(relay.port())));
        // The README lets --profile write into ~/.codex; a test must not, and --out names the same
        // place as CODEX_HOME would (codex-config --help).
        Path codexHome = CodexTestDirs.newCodexHome();
        configArgs.addAll(List.of("--out", codexHome.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CodexConfigCommand.run(
                configArgs.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Default model: qwen3:8b", "codex --profile relay");

        // "cd ~/my-project": a git repository, where codex exec runs without --skip-git-repo-check.
        assertThat(walk.commands()).contains(List.of("cd", "~/my-project"));
        Process git = new ProcessBuilder("git", "init", "-q", project.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0)
                .as("git init")
                .isTrue();

        String patch = "*** Begin Patch\n*** Add File: .gitignore\n+target/\n*** End Patch\n";
        ollama.enqueue(
                ScriptedReply.sse(
                        role(),
                        toolCallStart(0, "call_add", "apply_patch", "{\"input\":" + quote(patch) + "}"),
                        finish("tool_calls"),
                        usage(2_000, 30)),
                ScriptedReply.sse(role(), content("Done."), finish("stop"), usage(2_100, 2)));
        return codexHome;
    }

    /** Runs the README's codex exec line (RELAY_API_KEY=… codex exec …) in the project. */
    private Path runCodexExec(List<String> line, Path codexHome) throws IOException, InterruptedException {
        assertThat(line.get(0)).startsWith("RELAY_API_KEY=");
        assertThat(line.subList(1, 3)).containsExactly("codex", "exec");
        List<String> command = new ArrayList<>();
        command.add(CodexCli.installed().executable().toString());
        command.addAll(line.subList(2, line.size()));
        Path stdout = Files.createTempFile(codexHome, "codex-stdout-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(stdout.toFile());
        CodexCli.isolate(builder.environment(), codexHome, line.get(0).substring("RELAY_API_KEY=".length()));
        Process codex = builder.start();
        codex.getOutputStream().close();
        if (!codex.waitFor(120, TimeUnit.SECONDS)) {
            codex.descendants().forEach(ProcessHandle::destroyForcibly);
            codex.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("codex exec did not finish:\n" + Files.readString(stdout));
        }
        String transcript = Files.readString(stdout);
        assertThat(codex.exitValue()).as(transcript).isZero();
        assertThat(ollama.chatRequests()).as(transcript).hasSize(2); // the patch, then its result
        assertThat(ollama.chatRequests().get(0).body()).contains("add a .gitignore");
        return project.resolve(".gitignore");
    }

    private static List<String> swap(List<String> args, String upstreamUrl) {
        List<String> swapped = new ArrayList<>();
        for (String arg : args) {
            swapped.add(arg.equals(OLLAMA_URL) ? upstreamUrl : arg);
        }
        return swapped;
    }

    /** The section's commands, each split into words, comments and blank lines left out. */
    private record Walkthrough(List<List<String>> commands) {
        /** The relay's arguments, after {@code java -jar relay-examples/target/relay-server.jar}. */
        List<String> relay() {
            return jarLine(false);
        }

        /** {@code codex-config} and its arguments. */
        List<String> codexConfig() {
            return jarLine(true);
        }

        /** The {@code RELAY_API_KEY=… codex exec …} line. */
        List<String> codexExec() {
            List<List<String>> found = new ArrayList<>();
            for (List<String> command : commands) {
                if (command.size() > 2
                        && command.get(1).equals("codex")
                        && command.get(2).equals("exec")) {
                    found.add(command);
                }
            }
            assertThat(found).as("codex exec lines in the README's walk").hasSize(1);
            return found.get(0);
        }

        private List<String> jarLine(boolean codexConfig) {
            List<List<String>> found = new ArrayList<>();
            for (List<String> command : commands) {
                if ((String.join(" ", command) + " ").startsWith(JAR)
                        && command.size() > 3
                        && command.get(3).equals("codex-config") == codexConfig) {
                    found.add(new ArrayList<>(command.subList(3, command.size())));
                }
            }
            assertThat(found).as(JAR + "lines in the README's walk").hasSize(1);
            return found.get(0);
        }
    }

    private static Walkthrough walkthrough() throws IOException {
        String readme = Files.readString(CodexCli.repoRoot().resolve("README.md"));
        int start = readme.indexOf(SECTION);
        assertThat(start).as(SECTION + " in README.md").isNotNegative();
        int end = readme.indexOf("\n## ", start + SECTION.length());
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<List<String>> commands = new ArrayList<>();
        for (Matcher block = SH_BLOCK.matcher(section); block.find(); ) {
            for (String line : block.group(1).lines().toList()) {
                String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
                if (code.isBlank()) {
                    continue;
                }
                List<String> words = new ArrayList<>();
                for (Matcher word = WORD.matcher(code); word.find(); ) {
                    words.add(word.group(1) != null ? word.group(1) : word.group(2));
                }
                commands.add(words);
            }
        }
        return new Walkthrough(commands);
    }
}
