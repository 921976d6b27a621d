package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.responsesrelay.codexconfig.CodexCli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Codex CLI 0.169.0 with only {@code openai_base_url} pointed at the relay (the built-in
 * OpenAI provider: WebSocket transport and remote compaction v2), in front of a scripted Chat
 * upstream on the JDK's HttpServer. A tiny context window forces remote compaction before the
 * second turn.
 */
class CodexWebSocketEndToEndTest {
    /** Synthetic stream shaped after docs/dialects.md §0 (OpenAI chunks, usage chunk last). */
    private static final String ANSWER =
            chunk("{\"role\":\"assistant\",\"content\":\"Hello from the scripted upstream.\"}", "null")
                    + chunk("{}", "\"stop\"")
                    + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}\n\ndata: [DONE]\n\n";

    @TempDir
    Path home;

    @TempDir
    Path project;

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    @Test
    void codexOnTheBuiltInProviderTalksWebSocketAndCompactsRemotely() throws Exception {
        Path codex = CodexCli.installed().executable();
        List<String> chatBodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/v1/models", exchange -> {
            byte[] body = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.createContext("/v1/chat/completions", exchange -> {
            chatBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        try (RelayServer relay = RelayServer.start(
                "--port",
                "0",
                "--upstream",
                "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1",
                // Codex asks for gpt-5.5, which the upstream does not list (issue 13 §0).
                "--model",
                "m")) {
            List<String> config = List.of(
                    "-c", "openai_base_url=" + relay.baseUrl(),
                    "-c", "model=gpt-5.5",
                    "-c", "model_context_window=4000",
                    "-c", "model_auto_compact_token_limit=10");
            String first = run(codex, config, List.of("first turn"));
            String second = run(codex, config, List.of("resume", "--last", "second turn"));

            assertThat(first)
                    .contains("Hello from the scripted upstream.")
                    .doesNotContain("Falling back", "Reconnecting");
            assertThat(second).contains("context compacted").doesNotContain("Falling back", "Reconnecting");
            assertThat(chatBodies).hasSize(3);
            assertThat(chatBodies.get(1))
                    .contains("CONTEXT CHECKPOINT COMPACTION")
                    .doesNotContain("\"tools\"");
            assertThat(chatBodies.get(2))
                    .contains(
                            "Another language model started to solve this problem", "Hello from the scripted upstream.")
                    .contains("second turn");
        } finally {
            upstream.stop(0);
        }
    }

    private String run(Path codex, List<String> config, List<String> prompt) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(codex.toString(), "exec", "--skip-git-repo-check"));
        command.addAll(config);
        command.addAll(prompt);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("CODEX_HOME", home.toString());
        builder.environment().put("OPENAI_API_KEY", "sk-test");
        Path log = Files.createTempFile(home, "codex", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        // codex exec reads more prompt from a stdin that is not a terminal until it closes.
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("codex did not finish in 120 s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertThat(process.exitValue())
                .as("codex exit code; output:\n%s", output)
                .isZero();
        return output;
    }
}
