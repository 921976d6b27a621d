package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.server.responses.Providers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void defaultsBindLoopbackAndDetectTheProvider() {
        ServerOptions options = ServerOptions.parse(new String[] {"--upstream", "http://127.0.0.1:11434/v1"}, NO_ENV);

        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(ServerOptions.DEFAULT_PORT);
        assertThat(options.provider()).isEqualTo("auto");
        assertThat(Providers.resolve(options.provider(), options.upstream()).name())
                .as("port 11434 is Ollama's")
                .isEqualTo("ollama");
        assertThat(options.apiKey()).isEmpty();
        assertThat(options.requiredKeys()).isEmpty();
        assertThat(options.recordDir()).isEmpty();
        assertThat(options.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void explicitProviderWinsOverDetection() {
        ServerOptions options = ServerOptions.parse(
                new String[] {"--upstream", "https://api.deepseek.com/v1", "--provider", "mistral"}, NO_ENV);

        assertThat(Providers.resolve(options.provider(), options.upstream()).name())
                .isEqualTo("mistral");
    }

    @Test
    void unknownProviderIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> ServerOptions.parse(
                        new String[] {"--upstream", "https://api.deepseek.com/v1", "--provider", "nope"}, NO_ENV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, ")
                .hasMessageContaining("deepseek");
    }

    @Test
    void everyFlagHasAnEnvironmentVariable() {
        ServerOptions options = ServerOptions.parse(
                new String[0],
                Map.of(
                        "RELAY_UPSTREAM", "https://api.deepseek.com/v1",
                        "RELAY_PORT", "5555",
                        "RELAY_HOST", "0.0.0.0",
                        "RELAY_API_KEY", "sk-env",
                        "RELAY_PROVIDER", "OpenAI",
                        "RELAY_REQUIRE_KEYS", "a, b,,c,",
                        "RELAY_RECORD_DIR", "/tmp/rec",
                        "RELAY_IDLE_TIMEOUT", "90",
                        "RELAY_KEEP_ALIVE", "2.5"));

        assertThat(options.upstream()).isEqualTo("https://api.deepseek.com/v1");
        assertThat(options.port()).isEqualTo(5555);
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.apiKey()).contains("sk-env");
        assertThat(options.provider()).isEqualTo("openai");
        assertThat(options.requiredKeys()).containsExactly("a", "b", "c");
        assertThat(options.recordDir()).contains(Path.of("/tmp/rec"));
        assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.keepAlive()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void flagsWinOverEnvironment() {
        ServerOptions options = ServerOptions.parse(
                new String[] {"--port=6000", "--require-key", "flag-key", "--upstream", "http://flag.invalid/v1"},
                Map.of(
                        "RELAY_UPSTREAM", "http://env.invalid/v1",
                        "RELAY_PORT", "5555",
                        "RELAY_REQUIRE_KEYS", "env-key-1,env-key-2"));

        assertThat(options.upstream()).isEqualTo("http://flag.invalid/v1");
        assertThat(options.port()).isEqualTo(6000);
        assertThat(options.requiredKeys()).isEqualTo(List.of("flag-key"));
    }

    @Test
    void upstreamIsRequired() {
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--port", "1"}, NO_ENV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--upstream");
    }

    @Test
    void badValuesAreRefusedWithAMessage() {
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--upstream", "x", "--port", "http"}, NO_ENV))
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--upstream", "ftp://x/v1"}, NO_ENV))
                .hasMessageContaining("ftp://x/v1");
        assertThatThrownBy(() -> ServerOptions.parse(
                        new String[] {"--upstream", "http://x/v1", "--provider", "nonesuch"}, NO_ENV))
                .hasMessageContaining("generic, openai");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--upstream"}, NO_ENV))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--nonesuch", "1"}, NO_ENV))
                .hasMessageContaining("unknown option --nonesuch");
    }

    @Test
    void helpNeedsNothingElse() {
        ServerOptions options = ServerOptions.parse(new String[] {"--help"}, NO_ENV);

        assertThat(options.helpRequested()).isTrue();
        assertThat(ServerOptions.usage())
                .contains("--upstream", "--api-key", "--provider", "--port", "--host", "--require-key", "--record")
                .contains("RELAY_UPSTREAM", "RELAY_API_KEY", "RELAY_PROVIDER", "RELAY_PORT", "RELAY_REQUIRE_KEYS")
                .contains("RELAY_RECORD_DIR");
    }

    @Test
    void toStringNeverShowsKeys() {
        ServerOptions options = ServerOptions.parse(
                new String[] {"--upstream", "http://x/v1", "--api-key", "sk-secret-1", "--require-key", "rk-secret-2"},
                NO_ENV);

        assertThat(options.toString()).doesNotContain("sk-secret-1", "rk-secret-2");
    }

    @Test
    void modelIsForOneUpstreamAndTheConfigFileNamesItsOwnDefault() {
        ServerOptions single =
                ServerOptions.parse(new String[] {"--upstream", "http://x/v1"}, Map.of("RELAY_MODEL", "m1"));
        assertThat(single.model()).contains("m1");

        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--config", "relay.toml", "--model", "m1"}, NO_ENV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default_model");
    }
}
