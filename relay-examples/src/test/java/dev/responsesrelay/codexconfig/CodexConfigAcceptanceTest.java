package dev.responsesrelay.codexconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Codex CLI 0.169.0 loads what {@code codex-config} writes: strict config parsing passes,
 * every catalog model has metadata, and Codex posts to the configured URL with the key from {@code
 * RELAY_API_KEY}. No relay runs here: the "relay" port is the scripted upstream itself, which answers
 * {@code POST /v1/responses} with a 404, so a failure points at the generated files, not at the
 * translation.
 */
class CodexConfigAcceptanceTest {
    @TempDir
    Path workDir;

    @Test
    void codexLoadsTheGeneratedConfigStrictlyAndKnowsEveryCatalogModel() throws Exception {
        Path home = CodexTestDirs.newCodexHome();
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.models("deepseek-chat", "kimi-k2-0905-preview");
            CodexTestDirs.writeRelayConfig(home, upstream.baseUrl(), upstream.port());

            for (String model : List.of("deepseek-chat", "kimi-k2-0905-preview")) {
                CodexRun run = CodexCli.installed()
                        .exec(
                                home,
                                workDir,
                                "any-value",
                                Duration.ofSeconds(60),
                                // A 404 is retried at turn level only (docs/codex-wire.md §2.3): no retries, one
                                // request.
                                List.of("-m", model, "-c", "model_providers.relay.stream_max_retries=0"),
                                "Say hello");

                assertThat(run.stderr()).as(run.transcript()).doesNotContain("Error loading config");
                assertThat(run.errors())
                        .as(run.transcript())
                        .noneSatisfy(error -> assertThat(error).contains("Model metadata"))
                        .anySatisfy(error -> assertThat(error).contains("404"));
            }

            List<ScriptedRecordedRequest> posts = upstream.requests().stream()
                    .filter(request -> request.method().equals("POST"))
                    .toList();
            assertThat(posts).hasSize(2).allSatisfy(request -> {
                assertThat(request.path()).isEqualTo("/v1/responses");
                assertThat(request.header("authorization")).hasValue("Bearer any-value");
            });
            assertThat(posts.get(0).body()).contains("\"model\":\"deepseek-chat\"");
            assertThat(posts.get(1).body()).contains("\"model\":\"kimi-k2-0905-preview\"");
            // The catalog's freeform apply_patch arrives as a custom tool (docs/codex-wire.md §1.4).
            assertThat(posts.get(0).body()).contains("\"type\":\"custom\",\"name\":\"apply_patch\"");
        }
    }
}
