package dev.responsesrelay.codexconfig;

import static dev.responsesrelay.codexconfig.ChatChunks.content;
import static dev.responsesrelay.codexconfig.ChatChunks.finish;
import static dev.responsesrelay.codexconfig.ChatChunks.reasoning;
import static dev.responsesrelay.codexconfig.ChatChunks.role;
import static dev.responsesrelay.codexconfig.ChatChunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Codex CLI 0.169.0 switching models between two turns of one session, through one relay
 * that routes them to two upstreams of different dialects ({@code --config}, docs/OPERATIONS.md).
 * Codex's config comes from {@code codex-config} pointed at the relay's own merged model list, as
 * the README shows. The upstream streams are synthetic (docs/PROVIDERS.md shapes: DeepSeek's
 * {@code reasoning_content}, then plain content).
 */
class CodexRoutingEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration CODEX_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path workDir;

    @TempDir
    Path configDir;

    private ScriptedChatUpstream deepseek;
    private ScriptedChatUpstream local;
    private RelayServer relay;
    private Path codexHome;

    @BeforeEach
    void start() throws Exception {
        deepseek = ScriptedChatUpstream.start().models("deepseek-chat");
        local = ScriptedChatUpstream.start().models("qwen3:8b");
        Path config = configDir.resolve("relay.toml");
        Files.writeString(config, """
                [upstreams.deepseek]
                base_url = "%s"
                provider = "deepseek"
                api_key = "sk-deepseek-e2e"

                [upstreams.local]
                base_url = "%s"
                provider = "ollama"

                [models."deepseek-chat"]
                upstream = "deepseek"
                context_window = 128000

                [models.qwen3]
                upstream = "local"
                upstream_model = "qwen3:8b"
                context_window = 32768
                """.formatted(deepseek.baseUrl(), local.baseUrl()));
        relay = RelayServer.start("--port", "0", "--config", config.toString());
        codexHome = CodexTestDirs.newCodexHome();
        CodexTestDirs.writeRelayConfig(codexHome, relay.baseUrl(), relay.port());
    }

    @AfterEach
    void stop() {
        relay.close();
        deepseek.close();
        local.close();
    }

    @Test
    void aSessionSwitchesProvidersBetweenTurns() throws Exception {
        deepseek.enqueue(
                ScriptedReply.sse(role(), reasoning("Counting."), content("One."), finish("stop"), usage(2_000, 8)));
        local.enqueue(ScriptedReply.sse(role(), content("Two."), finish("stop"), usage(2_100, 3)));

        CodexRun first = CodexCli.installed()
                .exec(codexHome, workDir, "any", CODEX_TIMEOUT, List.of("-m", "deepseek-chat"), "Say one");
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        assertThat(first.agentMessages()).as(first.transcript()).containsExactly("One.");

        CodexRun second = CodexCli.installed()
                .exec(codexHome, workDir, "any", CODEX_TIMEOUT, List.of("-m", "qwen3", "resume", "--last"), "Say two");
        assertThat(second.exitCode()).as(second.transcript()).isZero();
        assertThat(second.agentMessages()).as(second.transcript()).containsExactly("Two.");

        assertThat(deepseek.chatRequests()).hasSize(1);
        assertThat(local.chatRequests()).hasSize(1);
        JsonNode toDeepSeek = MAPPER.readTree(deepseek.chatRequests().get(0).body());
        assertThat(toDeepSeek.path("model").asText()).isEqualTo("deepseek-chat");
        JsonNode toLocal = MAPPER.readTree(local.chatRequests().get(0).body());
        assertThat(toLocal.path("model").asText()).isEqualTo("qwen3:8b");
        // Turn 2 on the other provider carries turn 1: the user's words and DeepSeek's answer.
        String history = toLocal.path("messages").toString();
        assertThat(history).contains("Say one").contains("One.").contains("Say two");
        assertThat(deepseek.chatRequests().get(0).header("authorization")).hasValue("Bearer sk-deepseek-e2e");
    }
}
