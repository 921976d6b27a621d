package dev.responsesrelay.codexconfig;

import static dev.responsesrelay.codexconfig.ChatChunks.content;
import static dev.responsesrelay.codexconfig.ChatChunks.finish;
import static dev.responsesrelay.codexconfig.ChatChunks.role;
import static dev.responsesrelay.codexconfig.ChatChunks.usage;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 §3 with the real Codex CLI 0.169.0: an upstream that is alive but silent for longer than
 * Codex's own {@code stream_idle_timeout_ms} (a local model reading a long prompt; here a scripted
 * upstream that holds its answer back) must not make Codex give up. Codex's timeout is set to 2 s,
 * the upstream answers after 5 s, and the relay sends {@code response.in_progress} again after 0.5 s
 * without an event ({@code --idle-event}). Both of Codex's transports: SSE over HTTP and its
 * Responses WebSocket ({@code supports_websockets}).
 *
 * <p>The control runs with {@code --idle-event 0}, where only the SSE keep-alive comments are
 * sent: Codex gives up with its idle timeout, which shows that comments do not count and that this
 * test fails without idle events.
 */
class CodexIdleEventsTest {
    private static final String MODEL = "scripted-model";
    private static final Duration CODEX_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration UPSTREAM_SILENCE = Duration.ofSeconds(5);

    @TempDir
    Path workDir;

    private @Nullable ScriptedChatUpstream upstream;
    private @Nullable RelayServer relay;

    @AfterEach
    void stop() {
        RelayServer started = relay;
        if (started != null) {
            started.close();
        }
        ScriptedChatUpstream scripted = upstream;
        if (scripted != null) {
            scripted.close();
        }
    }

    private CodexRun codexWithASilentUpstream(boolean webSockets, String idleEvent) throws Exception {
        ScriptedChatUpstream upstream = ScriptedChatUpstream.start().models(MODEL);
        this.upstream = upstream;
        upstream.enqueue(ScriptedReply.sse(role(), content("Still here."), finish("stop"), usage(2_000, 4))
                .withDelayBeforeHeaders(UPSTREAM_SILENCE));
        RelayServer relay =
                RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--idle-event", idleEvent);
        this.relay = relay;
        Path codexHome = CodexTestDirs.newCodexHome();
        CodexTestDirs.writeRelayConfig(codexHome, upstream.baseUrl(), relay.port());
        List<String> config = List.of(
                "-c", "model_providers.relay.stream_idle_timeout_ms=2000",
                "-c", "model_providers.relay.stream_max_retries=0",
                "-c", "model_providers.relay.request_max_retries=0",
                "-c", "model_providers.relay.supports_websockets=" + webSockets);
        return CodexCli.installed().exec(codexHome, workDir, "idle-client-key", CODEX_TIMEOUT, config, "Say hello");
    }

    @ParameterizedTest(name = "websockets={0}")
    @ValueSource(booleans = {false, true})
    void codexWaitsForAnUpstreamThatIsSilentLongerThanItsIdleTimeout(boolean webSockets) throws Exception {
        CodexRun run = codexWithASilentUpstream(webSockets, "0.5");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.errors()).as(run.transcript()).isEmpty();
        assertThat(run.agentMessages()).as(run.transcript()).containsExactly("Still here.");
        assertThat(run.turnCompleted()).as(run.transcript()).isTrue();
        assertThat(requireNonNull(upstream).chatRequests())
                .as("answered without a retry")
                .hasSize(1);
    }

    @ParameterizedTest(name = "websockets={0}")
    @ValueSource(booleans = {false, true})
    void withoutIdleEventsCodexGivesUpOnTheSameUpstream(boolean webSockets) throws Exception {
        CodexRun run = codexWithASilentUpstream(webSockets, "0");

        assertThat(run.turnCompleted()).as(run.transcript()).isFalse();
        assertThat(run.errors())
                .as(run.transcript())
                .anySatisfy(error -> assertThat(error).containsIgnoringCase("idle timeout"));
    }
}
