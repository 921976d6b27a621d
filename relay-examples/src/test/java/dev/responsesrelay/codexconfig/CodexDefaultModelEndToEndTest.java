package dev.responsesrelay.codexconfig;

import static dev.responsesrelay.codexconfig.ChatChunks.content;
import static dev.responsesrelay.codexconfig.ChatChunks.finish;
import static dev.responsesrelay.codexconfig.ChatChunks.quote;
import static dev.responsesrelay.codexconfig.ChatChunks.role;
import static dev.responsesrelay.codexconfig.ChatChunks.toolCallStart;
import static dev.responsesrelay.codexconfig.ChatChunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 §0 end to end: the README's one-line setup. The real Codex CLI 0.169.0 with nothing but
 * {@code openai_base_url} pointing at the relay, and no {@code model}: Codex asks for its own default
 * model in code mode (an {@code additional_tools} input item whose {@code functions} namespace holds
 * the freeform {@code exec} tool; docs/codex-wire.md), over its Responses WebSocket transport. The
 * relay runs with {@code --model} naming the one model the scripted upstream lists. The upstream
 * answers with an {@code exec} call, then with plain text; Codex must complete the turn.
 */
class CodexDefaultModelEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL = "scripted-model";

    @TempDir
    Path workDir;

    @Test
    void codexWithOnlyTheBaseUrlCompletesACodeModeTurnThroughModelFlag() throws Exception {
        Path codex = CodexCli.installed().executable();
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start().models(MODEL);
                RelayServer relay =
                        RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--model", MODEL)) {
            String script = "text('exec ran')";
            upstream.enqueue(
                    ScriptedReply.sse(
                            role(),
                            toolCallStart(0, "call_exec_1", "functions__exec", "{\"input\":" + quote(script) + "}"),
                            finish("tool_calls"),
                            usage(3_000, 12)),
                    ScriptedReply.sse(role(), content("Done with code mode."), finish("stop"), usage(3_100, 5)));
            Path codexHome = CodexTestDirs.newCodexHome();

            CodexRun run = run(codex, codexHome, relay.baseUrl());

            assertThat(run.exitCode()).as(run.transcript()).isZero();
            assertThat(run.turnCompleted()).as(run.transcript()).isTrue();
            assertThat(run.agentMessages()).as(run.transcript()).contains("Done with code mode.");
            List<ScriptedRecordedRequest> chats = upstream.chatRequests();
            assertThat(chats).as(run.transcript()).hasSize(2);
            JsonNode first = MAPPER.readTree(chats.get(0).body());
            assertThat(first.path("model").asText())
                    .as("--model answered Codex's default")
                    .isEqualTo(MODEL);
            List<String> tools = new ArrayList<>();
            first.path("tools")
                    .forEach(
                            tool -> tools.add(tool.path("function").path("name").asText()));
            assertThat(tools)
                    .as("code mode's tools, hoisted from additional_tools")
                    .contains("functions__exec");
            JsonNode second = MAPPER.readTree(chats.get(1).body());
            List<String> toolCallIds = new ArrayList<>();
            second.path("messages").forEach(message -> {
                if (message.path("role").asText().equals("tool")) {
                    toolCallIds.add(message.path("tool_call_id").asText());
                }
            });
            assertThat(toolCallIds).as("exec's output went back upstream").containsExactly("call_exec_1");
        }
    }

    /** {@code codex exec --json} with only {@code openai_base_url} set: Codex's own provider and model. */
    private CodexRun run(Path codex, Path codexHome, String relayBaseUrl) throws Exception {
        List<String> command = List.of(
                codex.toString(),
                "exec",
                "--json",
                "--skip-git-repo-check",
                "-s",
                "workspace-write",
                "-C",
                workDir.toString(),
                "-c",
                "openai_base_url=" + relayBaseUrl,
                "Run the exec tool once, then say you are done.");
        Path stdout = Files.createTempFile(codexHome, "codex-stdout-", ".jsonl");
        Path stderr = Files.createTempFile(codexHome, "codex-stderr-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        CodexCli.isolate(builder.environment(), codexHome, "unused");
        // The built-in OpenAI provider wants a key; the relay has no client key, so any value works.
        builder.environment().put("OPENAI_API_KEY", "sk-test");
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("codex exec did not finish in 120 s\n" + Files.readString(stdout) + "\n"
                    + Files.readString(stderr));
        }
        return CodexRun.of(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
