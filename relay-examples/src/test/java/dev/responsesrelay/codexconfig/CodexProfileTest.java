package dev.responsesrelay.codexconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code codex-config --profile NAME}: the non-invasive way into an existing Codex home (issue 17).
 * The user's {@code config.toml} stays byte for byte; the profile file and catalog are written next
 * to it with backups of what they replace; and the real Codex 0.169.0 accepts the result under
 * {@code --strict-config} with {@code --profile}.
 */
class CodexProfileTest {
    /** A user's own config, comments and all (synthetic, in Codex's documented config.toml keys). */
    private static final String USERS_CONFIG = """
            # my settings, keep this comment
            model = "gpt-5"   # trailing comment
            approval_policy = "on-request"

            [tui]
            notifications = true
            """;

    private final ScriptedChatUpstream upstream = ScriptedChatUpstream.start();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path workDir;

    @AfterEach
    void stop() {
        upstream.close();
    }

    private int run(String... args) {
        return CodexConfigCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesTheProfileBesideAnExistingConfigWithoutTouchingIt() throws Exception {
        upstream.models("deepseek-chat");
        Path home = CodexTestDirs.newCodexHome();
        Files.writeString(home.resolve("config.toml"), USERS_CONFIG);
        Files.writeString(home.resolve("relay.config.toml"), "# an older profile\n");

        int exit = run("--upstream", upstream.baseUrl(), "--out", home.toString(), "--profile", "relay");

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readString(home.resolve("config.toml"))).isEqualTo(USERS_CONFIG);
        assertThat(Files.readString(home.resolve("relay.config.toml.bak"))).isEqualTo("# an older profile\n");
        assertThat(Files.readString(home.resolve("relay.config.toml")))
                .contains("model = \"deepseek-chat\"", "[model_providers.relay]", "model_catalog_json");
        assertThat(home.resolve("relay-catalog.json")).exists();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("codex --profile relay", "config.toml is unchanged");
    }

    @Test
    void refusesWhenConfigHasTheLegacyProfileTableCodexWouldReject() throws Exception {
        upstream.models("deepseek-chat");
        Path home = CodexTestDirs.newCodexHome();
        String legacy = USERS_CONFIG + "\n[profiles.relay]\nmodel = \"x\"\n";
        Files.writeString(home.resolve("config.toml"), legacy);

        int exit = run("--upstream", upstream.baseUrl(), "--out", home.toString(), "--profile", "relay");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("legacy [profiles.relay] table", "choose another --profile name");
        assertThat(Files.readString(home.resolve("config.toml"))).isEqualTo(legacy);
        assertThat(home.resolve("relay.config.toml")).doesNotExist();
    }

    @Test
    void realCodexAcceptsTheProfileStrictlyAndPostsToTheRelay() throws Exception {
        upstream.models("deepseek-chat");
        Path home = CodexTestDirs.newCodexHome();
        Files.writeString(home.resolve("config.toml"), USERS_CONFIG);
        int exit = run(
                "--upstream",
                upstream.baseUrl(),
                "--port",
                Integer.toString(upstream.port()),
                "--out",
                home.toString(),
                "--profile",
                "relay");
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();

        CodexRun run = CodexCli.installed()
                .exec(
                        home,
                        workDir,
                        "any-value",
                        Duration.ofSeconds(60),
                        // The scripted upstream answers POST /v1/responses with 404: one request, no retries.
                        List.of("--profile", "relay", "-c", "model_providers.relay.stream_max_retries=0"),
                        "Say hello");

        assertThat(run.stderr()).as(run.transcript()).doesNotContain("Error loading config");
        assertThat(run.errors())
                .as(run.transcript())
                .noneSatisfy(error -> assertThat(error).contains("Model metadata"))
                .anySatisfy(error -> assertThat(error).contains("404"));
        List<ScriptedRecordedRequest> posts = upstream.requests().stream()
                .filter(request -> request.method().equals("POST"))
                .toList();
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).path()).isEqualTo("/v1/responses");
        assertThat(posts.get(0).body()).contains("\"model\":\"deepseek-chat\"");
        assertThat(Files.readString(home.resolve("config.toml"))).isEqualTo(USERS_CONFIG);
    }
}
