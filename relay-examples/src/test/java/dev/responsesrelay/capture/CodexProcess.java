package dev.responsesrelay.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.codexconfig.CodexCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code codex exec --json} run for a capture, isolated as the end-to-end tests isolate Codex
 * ({@code CodexCli}): its own {@code CODEX_HOME}, stdin closed, inherited {@code OPENAI_*}/{@code
 * CODEX_*} variables removed and every proxy variable pointed at a closed port, so Codex reaches the
 * relay on loopback and nothing else.
 *
 * @param events every stdout line that parsed as a JSON object
 */
record CodexProcess(int exitCode, List<JsonNode> events, String output) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Runs {@code codex exec --json --skip-git-repo-check --strict-config -s workspace-write -C
     * workDir [args…] prompt}, or {@code codex exec --json --skip-git-repo-check --strict-config
     * [args…] resume --last prompt}.
     */
    static CodexProcess run(
            Path codex,
            Path codexHome,
            Path workDir,
            boolean resume,
            List<String> args,
            String prompt,
            Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(codex.toString(), "exec", "--json", "--skip-git-repo-check", "--strict-config"));
        if (!resume) {
            // resume keeps the sandbox and working directory of the session it continues.
            command.addAll(List.of("-s", "workspace-write", "-C", workDir.toString()));
        }
        command.addAll(args);
        if (resume) {
            // `codex exec [options] resume --last PROMPT` continues the newest session of this
            // CODEX_HOME; exec's options go before the subcommand (as CodexWebSocketEndToEndTest runs it).
            command.addAll(List.of("resume", "--last"));
        }
        command.add(prompt);
        Path stdout = Files.createTempFile(codexHome, "codex-stdout-", ".jsonl");
        Path stderr = Files.createTempFile(codexHome, "codex-stderr-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        CodexCli.isolate(builder.environment(), codexHome, "capture-client-key");
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("codex did not finish within " + timeout + ": " + command + "\nstdout:\n"
                    + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr));
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        List<JsonNode> events = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (line.startsWith("{")) {
                try {
                    events.add(MAPPER.readTree(line));
                } catch (JsonProcessingException e) {
                    throw new AssertionError("codex printed a line that is not JSON: " + line, e);
                }
            }
        }
        return new CodexProcess(
                process.exitValue(),
                List.copyOf(events),
                String.join(" ", command) + "\nexit " + process.exitValue() + "\nstdout:\n" + out + "\nstderr:\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** The {@code item}s of the {@code item.completed} events, in order. */
    List<JsonNode> completedItems() {
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode event : events) {
            if (event.path("type").asText().equals("item.completed")) {
                items.add(event.path("item"));
            }
        }
        return items;
    }

    /** Whether Codex finished the turn without an error event. */
    boolean succeeded() {
        boolean completed = false;
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            if (type.equals("turn.failed") || type.equals("error")) {
                return false;
            }
            completed |= type.equals("turn.completed");
        }
        return exitCode == 0 && completed;
    }
}
