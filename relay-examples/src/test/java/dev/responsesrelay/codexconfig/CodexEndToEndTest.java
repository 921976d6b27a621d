package dev.responsesrelay.codexconfig;

import static dev.responsesrelay.codexconfig.ChatChunks.content;
import static dev.responsesrelay.codexconfig.ChatChunks.finish;
import static dev.responsesrelay.codexconfig.ChatChunks.quote;
import static dev.responsesrelay.codexconfig.ChatChunks.reasoning;
import static dev.responsesrelay.codexconfig.ChatChunks.role;
import static dev.responsesrelay.codexconfig.ChatChunks.toolCallArguments;
import static dev.responsesrelay.codexconfig.ChatChunks.toolCallStart;
import static dev.responsesrelay.codexconfig.ChatChunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Codex CLI 0.169.0 → {@link RelayServer} → {@link ScriptedChatUpstream}, with the files
 * {@code codex-config} writes as Codex's whole configuration. Each test scripts what the Chat
 * upstream answers and checks what Codex did with it (its JSONL events and the workspace on disk)
 * and what the upstream was asked.
 */
class CodexEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL = "scripted-model";
    private static final String UPSTREAM_KEY = "sk-upstream-e2e";
    private static final Duration CODEX_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Keeps failing scenarios short: Codex retries a broken stream once instead of five times, and
     * never at the transport layer (docs/codex-wire.md §2.3).
     */
    private static final List<String> FEW_RETRIES = List.of(
            "-c", "model_providers.relay.stream_max_retries=1",
            "-c", "model_providers.relay.request_max_retries=0",
            "-c", "model_providers.relay.stream_idle_timeout_ms=30000");

    @TempDir
    Path workDir;

    private ScriptedChatUpstream upstream;
    private RelayServer relay;
    private Path codexHome;

    @BeforeEach
    void startRelayAndWriteCodexConfig() throws Exception {
        upstream = ScriptedChatUpstream.start().models(MODEL);
        relay = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--api-key", UPSTREAM_KEY);
        codexHome = CodexTestDirs.newCodexHome();
        CodexTestDirs.writeRelayConfig(codexHome, upstream.baseUrl(), relay.port());
    }

    @AfterEach
    void stop() {
        relay.close();
        upstream.close();
    }

    @Test
    void plainAnswerReachesCodex() throws Exception {
        upstream.enqueue(ScriptedReply.sse(
                role(), content("Hello from "), content("the relay."), finish("stop"), usage(2_000, 6)));

        CodexRun run = codex("Say hello");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.agentMessages()).as(run.transcript()).containsExactly("Hello from the relay.");
        assertThat(run.turnCompleted()).as(run.transcript()).isTrue();
        // In particular no "Model metadata for `scripted-model` not found": the catalog covers it.
        assertThat(run.errors()).as(run.transcript()).isEmpty();

        ScriptedRecordedRequest request = single(upstream.chatRequests());
        assertThat(request.header("authorization")).hasValue("Bearer " + UPSTREAM_KEY);
        JsonNode chat = MAPPER.readTree(request.body());
        assertThat(chat.path("model").asText()).isEqualTo(MODEL);
        assertThat(chat.path("stream").asBoolean()).isTrue();
        List<String> roles = new ArrayList<>();
        chat.path("messages").forEach(message -> roles.add(message.path("role").asText()));
        // Codex's developer messages (base prompt, permissions) become system (docs/codex-wire.md §7 item 1).
        assertThat(roles).doesNotContain("developer").startsWith("system");
        assertThat(text(chat.path("messages").get(0)))
                .startsWith("You are a coding agent working in the user's workspace through Codex CLI.");
        assertThat(text(chat.path("messages").get(roles.size() - 1))).contains("Say hello");
        // Every tool is a plain function: namespaces flattened, the custom apply_patch turned into one.
        List<String> toolNames = new ArrayList<>();
        chat.path("tools").forEach(tool -> {
            assertThat(tool.path("type").asText()).as(tool.toString()).isEqualTo("function");
            toolNames.add(tool.path("function").path("name").asText());
        });
        assertThat(toolNames).contains("exec_command", "apply_patch");
        assertThat(toolNames).anySatisfy(name -> assertThat(name).contains("spawn_agent"));
    }

    @Test
    void reasoningContentIsShownAsAReasoningItem() throws Exception {
        upstream.enqueue(ScriptedReply.sse(
                role(),
                reasoning("Thinking about "),
                reasoning("the greeting."),
                content("Hi!"),
                finish("stop"),
                usage(2_000, 12)));

        CodexRun run = codex("Say hi");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.completedItems("reasoning"))
                .as(run.transcript())
                .anySatisfy(item -> assertThat(item.path("text").asText()).contains("Thinking about the greeting."));
        assertThat(run.agentMessages()).containsExactly("Hi!");
    }

    @Test
    void shellCallRunsInTheWorkspaceAndItsOutputGoesBackUpstream() throws Exception {
        String arguments = "{\"cmd\":" + quote("echo relayed > made-by-codex.txt") + "}";
        upstream.enqueue(
                ScriptedReply.sse(
                        role(),
                        toolCallStart(0, "call_shell", "exec_command", arguments.substring(0, 10)),
                        toolCallArguments(0, arguments.substring(10)),
                        finish("tool_calls"),
                        usage(2_000, 20)),
                ScriptedReply.sse(role(), content("Wrote the file."), finish("stop"), usage(2_100, 5)));

        CodexRun run = codex("Create made-by-codex.txt");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(workDir.resolve("made-by-codex.txt")).hasContent("relayed");
        assertThat(run.completedItems("command_execution"))
                .as(run.transcript())
                .singleElement()
                .satisfies(item -> assertThat(item.path("exit_code").asInt()).isZero());
        assertThat(run.agentMessages()).containsExactly("Wrote the file.");

        assertThat(upstream.chatRequests()).hasSize(2);
        JsonNode followUp = MAPPER.readTree(upstream.chatRequests().get(1).body());
        JsonNode call = assistantToolCalls(followUp).get(0);
        assertThat(call.path("id").asText()).isEqualTo("call_shell");
        assertThat(call.path("function").path("name").asText()).isEqualTo("exec_command");
        assertThat(MAPPER.readTree(call.path("function").path("arguments").asText())
                        .path("cmd")
                        .asText())
                .isEqualTo("echo relayed > made-by-codex.txt");
        assertThat(toolMessages(followUp)).singleElement().satisfies(message -> {
            assertThat(message.path("tool_call_id").asText()).isEqualTo("call_shell");
            assertThat(text(message)).contains("Process exited with code 0");
        });
    }

    @Test
    void parallelCallsBothRunAndBothOutputsGoBackInOneRequest() throws Exception {
        upstream.enqueue(
                ScriptedReply.sse(
                        role(),
                        content("I'll run two commands."),
                        toolCallStart(0, "call_a", "exec_command", "{\"cmd\":" + quote("echo one > one.txt") + "}"),
                        toolCallStart(1, "call_b", "exec_command", "{\"cmd\":" + quote("echo two > two.txt") + "}"),
                        finish("tool_calls"),
                        usage(2_000, 30)),
                ScriptedReply.sse(role(), content("Both done."), finish("stop"), usage(2_200, 5)));

        CodexRun run = codex("Create one.txt and two.txt");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(workDir.resolve("one.txt")).hasContent("one");
        assertThat(workDir.resolve("two.txt")).hasContent("two");
        assertThat(run.completedItems("command_execution")).as(run.transcript()).hasSize(2);

        assertThat(upstream.chatRequests()).hasSize(2);
        JsonNode followUp = MAPPER.readTree(upstream.chatRequests().get(1).body());
        List<String> callIds = new ArrayList<>();
        assistantToolCalls(followUp).forEach(call -> callIds.add(call.path("id").asText()));
        assertThat(callIds).containsExactly("call_a", "call_b");
        List<String> answeredIds = new ArrayList<>();
        toolMessages(followUp)
                .forEach(message -> answeredIds.add(message.path("tool_call_id").asText()));
        assertThat(answeredIds).containsExactlyInAnyOrder("call_a", "call_b");
    }

    @Test
    void applyPatchThroughTheCatalogsFreeformToolChangesTheFile() throws Exception {
        Files.writeString(workDir.resolve("greeting.txt"), "hello\n");
        String patch = "*** Begin Patch\n*** Update File: greeting.txt\n@@\n-hello\n+hello, relay\n*** End Patch\n";
        upstream.enqueue(
                ScriptedReply.sse(
                        role(),
                        toolCallStart(0, "call_patch", "apply_patch", "{\"input\":" + quote(patch) + "}"),
                        finish("tool_calls"),
                        usage(2_000, 40)),
                ScriptedReply.sse(role(), content("Patched."), finish("stop"), usage(2_100, 3)));

        CodexRun run = codex("Change the greeting");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(workDir.resolve("greeting.txt")).hasContent("hello, relay");
        assertThat(run.completedItems("file_change")).as(run.transcript()).hasSize(1);

        // The custom tool reached the upstream as a function whose one string parameter is "input".
        JsonNode first = MAPPER.readTree(upstream.chatRequests().get(0).body());
        JsonNode applyPatch = null;
        for (JsonNode tool : first.path("tools")) {
            if (tool.path("function").path("name").asText().equals("apply_patch")) {
                applyPatch = tool.path("function");
            }
        }
        assertThat(applyPatch).as("apply_patch function").isNotNull();
        JsonNode properties = applyPatch.path("parameters").path("properties");
        assertThat(properties.size()).isEqualTo(1);
        assertThat(properties.path("input").path("type").asText()).isEqualTo("string");

        JsonNode followUp = MAPPER.readTree(upstream.chatRequests().get(1).body());
        assertThat(toolMessages(followUp)).singleElement().satisfies(message -> {
            assertThat(message.path("tool_call_id").asText()).isEqualTo("call_patch");
            assertThat(text(message))
                    .contains("Success. Updated the following files")
                    .contains("M greeting.txt");
        });
    }

    @Test
    void streamCutInsideAToolCallIsNeverExecuted() throws Exception {
        // Role chunk, then half a tool call, then the connection dies: the upstream crashed.
        ScriptedReply cut = ScriptedReply.sse(
                        role(),
                        toolCallStart(0, "call_cut", "exec_command", "{\"cmd\":\"echo should-not-run > cut.txt"),
                        toolCallArguments(0, "\"}"),
                        finish("tool_calls"),
                        usage(2_000, 20))
                .withConnectionDroppedAfter(2);
        upstream.replyWhenQueueEmpty(cut);

        CodexRun run = codex("Run the command");

        assertThat(workDir.resolve("cut.txt")).doesNotExist();
        assertThat(run.completedItems("command_execution")).as(run.transcript()).isEmpty();
        assertThat(run.turnCompleted()).as(run.transcript()).isFalse();
        assertThat(run.exitCode()).as(run.transcript()).isNotZero();
        assertThat(run.errors()).as(run.transcript()).isNotEmpty();
        // stream_max_retries=1: Codex tried again once, and the second attempt broke the same way.
        assertThat(upstream.chatRequests()).as(run.transcript()).hasSize(2);
    }

    @Test
    void upstreamContextOverflowIsReportedAsSuch() throws Exception {
        String overflow = Samples.text("dialects/openai-error-context-length-exceeded.json");
        upstream.replyWhenQueueEmpty(ScriptedReply.json(400, overflow));

        CodexRun run = codex("Summarise everything");

        assertThat(run.exitCode()).as(run.transcript()).isNotZero();
        assertThat(run.errors())
                .as(run.transcript())
                .anySatisfy(error -> assertThat(error).contains("ran out of room in the model's context window"));
        // context_length_exceeded is fatal for Codex: no retry (docs/codex-wire.md §2.3).
        assertThat(upstream.chatRequests()).hasSize(1);
    }

    @Test
    void rateLimitWithRetryAfterIsWaitedOutAndRetried() throws Exception {
        // Synthetic 429, shaped after docs/dialects.md §0 (OpenAI rate_limit_exceeded) plus Retry-After.
        String rateLimited = "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
        upstream.enqueue(
                ScriptedReply.json(429, rateLimited).withHeader("Retry-After", "1"),
                ScriptedReply.sse(role(), content("Made it."), finish("stop"), usage(2_000, 3)));

        long start = System.nanoTime();
        CodexRun run = codex("Say something");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.agentMessages()).as(run.transcript()).containsExactly("Made it.");
        assertThat(upstream.chatRequests()).hasSize(2);
        // Codex honours Retry-After only on an HTTP 429 (docs/codex-wire.md §2.3): the relay passed it on.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    private CodexRun codex(String prompt) throws Exception {
        return CodexCli.installed().exec(codexHome, workDir, "e2e-client-key", CODEX_TIMEOUT, FEW_RETRIES, prompt);
    }

    private static ScriptedRecordedRequest single(List<ScriptedRecordedRequest> requests) {
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    /** The tool calls of the last assistant message that has any. */
    private static JsonNode assistantToolCalls(JsonNode chat) {
        JsonNode calls = null;
        for (JsonNode message : chat.path("messages")) {
            if (message.path("role").asText().equals("assistant")
                    && message.path("tool_calls").size() > 0) {
                calls = message.path("tool_calls");
            }
        }
        assertThat(calls).as("an assistant message with tool_calls in " + chat).isNotNull();
        return calls;
    }

    private static List<JsonNode> toolMessages(JsonNode chat) {
        List<JsonNode> messages = new ArrayList<>();
        chat.path("messages").forEach(message -> {
            if (message.path("role").asText().equals("tool")) {
                messages.add(message);
            }
        });
        return messages;
    }

    /** A message's content as text, whether a string or an array of text parts. */
    private static String text(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
    }
}
