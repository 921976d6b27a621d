package dev.responsesrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.ProviderProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayConfigTest {
    @TempDir
    Path dir;

    private static final String TWO_PROVIDERS = """
            # Two providers behind one relay.
            default_model = "deepseek-chat"

            [upstreams.deepseek]
            base_url = "https://api.deepseek.com/v1"
            api_key_env = "DEEPSEEK_API_KEY"

            [upstreams.local]
            base_url = "http://127.0.0.1:11434/v1"
            provider = "ollama"
            timeout_seconds = 600
            headers = { "X-Title" = "relay" }

            [upstreams.local.profile]
            reasoning_replay_field = "reasoning_content"
            extra_body = { options = { num_ctx = 32768 } }

            [models."deepseek-chat"]
            upstream = "deepseek"
            aliases = ["ds"]
            context_window = 128000
            fallbacks = ["qwen3"]

            [models.qwen3]
            upstream = "local"
            upstream_model = "qwen3:8b"
            reasoning = false
            """;

    @Test
    void aTwoProviderConfigLoads() throws Exception {
        RelayConfig config = load(TWO_PROVIDERS, Map.of("DEEPSEEK_API_KEY", "sk-test"));

        assertThat(config.upstreams()).extracting(UpstreamConfig::name).containsExactly("deepseek", "local");
        UpstreamConfig deepseek = config.upstream("deepseek").orElseThrow();
        assertThat(deepseek.apiKey()).isEqualTo("sk-test");
        assertThat(deepseek.profile().name()).isEqualTo("deepseek"); // detected from the host
        assertThat(deepseek.prefix()).isEqualTo("deepseek/");
        UpstreamConfig local = config.upstream("local").orElseThrow();
        assertThat(local.profile().name()).isEqualTo("ollama");
        assertThat(local.profile().reasoningReplayField()).contains("reasoning_content");
        assertThat(local.profile().extraBodyJson()).contains("{\"options\":{\"num_ctx\":32768}}");
        assertThat(local.headers()).containsEntry("X-Title", "relay");
        assertThat(local.idleTimeout()).hasMinutes(10);
        assertThat(config.models()).extracting(ModelConfig::name).containsExactly("deepseek-chat", "qwen3");
        ModelConfig qwen = config.models().get(1);
        assertThat(qwen.upstreamModel()).isEqualTo("qwen3:8b");
        assertThat(qwen.reasoning()).contains(false);
        assertThat(config.models().get(0).contextWindow()).hasValue(128000);
        assertThat(config.defaultModel()).contains("deepseek-chat");
        assertThat(config.warnings()).isEmpty();
        assertThat(deepseek.describe()).doesNotContain("sk-test");
    }

    @Test
    void anUnknownKeyNamesTheFileLineAndKey() {
        String toml = TWO_PROVIDERS.replace("timeout_seconds = 600", "timeout_secs = 600");
        assertThatThrownBy(() -> load(toml, Map.of("DEEPSEEK_API_KEY", "k")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("relay.toml:11: upstreams.local.timeout_secs: unknown key")
                .hasMessageContaining("timeout_seconds");
    }

    @Test
    void aMissingEnvironmentVariableIsAnError() {
        assertThatThrownBy(() -> load(TWO_PROVIDERS, Map.of()))
                .hasMessageContaining("relay.toml:6: upstreams.deepseek.api_key_env: the environment variable"
                        + " DEEPSEEK_API_KEY is not set");
    }

    @Test
    void aModelOnAnUnknownUpstreamIsAnError() {
        String toml = TWO_PROVIDERS.replace("upstream = \"local\"", "upstream = \"lokal\"");
        assertThatThrownBy(() -> load(toml, Map.of("DEEPSEEK_API_KEY", "k")))
                .hasMessageContaining(
                        "relay.toml:25: models.qwen3.upstream: no [upstreams.lokal]; known: deepseek, local");
    }

    @Test
    void badTomlNamesTheLine() {
        String toml = TWO_PROVIDERS.replace("provider = \"ollama\"", "provider = ollama");
        assertThatThrownBy(() -> load(toml, Map.of("DEEPSEEK_API_KEY", "k")))
                .hasMessageStartingWith(dir.resolve("relay.toml") + ":10: not valid TOML");
    }

    @Test
    void aChatCompletionsUrlIsRefusedWithTheBaseUrl() {
        String toml =
                TWO_PROVIDERS.replace("http://127.0.0.1:11434/v1\"", "http://127.0.0.1:11434/v1/chat/completions\"");
        assertThatThrownBy(() -> load(toml, Map.of("DEEPSEEK_API_KEY", "k")))
                .hasMessageContaining("upstreams.local.base_url: give the base URL, the part before /chat/completions:"
                        + " http://127.0.0.1:11434/v1");
    }

    @Test
    void aLiteralKeyIsAllowedAndWarnedAbout() throws Exception {
        String toml = TWO_PROVIDERS.replace("api_key_env = \"DEEPSEEK_API_KEY\"", "api_key = \"sk-literal\"");
        RelayConfig config = load(toml, Map.of());
        assertThat(config.upstream("deepseek").orElseThrow().apiKey()).isEqualTo("sk-literal");
        assertThat(config.warnings())
                .singleElement()
                .asString()
                .contains("relay.toml:6")
                .contains("api_key_env");
        assertThat(config.warnings().get(0)).doesNotContain("sk-literal");
    }

    @Test
    void aFallbackThatNothingRoutesIsAnError() {
        String toml = TWO_PROVIDERS.replace("fallbacks = [\"qwen3\"]", "fallbacks = [\"gpt-9\"]");
        assertThatThrownBy(() -> load(toml, Map.of("DEEPSEEK_API_KEY", "k")))
                .hasMessageContaining("models.deepseek-chat.fallbacks: the fallback gpt-9");
    }

    @Test
    void aBadProfileOverrideListsTheValues() {
        String toml =
                TWO_PROVIDERS.replace("reasoning_replay_field = \"reasoning_content\"", "tool_call_ids = \"short\"");
        assertThatThrownBy(() -> load(toml, Map.of("DEEPSEEK_API_KEY", "k")))
                .hasMessageContaining("relay.toml:15: upstreams.local.profile.tool_call_ids: must be one of VERBATIM,"
                        + " MAX_40, ALPHANUMERIC_9, was short");
        assertThat(ProviderProfile.ToolCallIdRule.values()).hasSize(3);
    }

    private RelayConfig load(String toml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("relay.toml");
        Files.writeString(file, toml);
        return RelayConfig.load(file, env);
    }
}
