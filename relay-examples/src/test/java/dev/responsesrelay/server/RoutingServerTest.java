package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One relay, three scripted upstreams of different dialects, routed by {@code relay.toml}
 * (docs/OPERATIONS.md). The upstream streams are synthetic, in the chunk shapes of
 * docs/PROVIDERS.md: DeepSeek's {@code reasoning_content}, Ollama's {@code reasoning}, and plain
 * OpenAI-style content.
 */
class RoutingServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ScriptedChatUpstream deepseek;
    private ScriptedChatUpstream ollama;
    private ScriptedChatUpstream plain;
    private RelayServer relay;
    private TestClient client;

    @BeforeEach
    void start() throws Exception {
        deepseek = ScriptedChatUpstream.start().models("deepseek-chat");
        ollama = ScriptedChatUpstream.start().models("qwen3:8b", "llama3.2");
        plain = ScriptedChatUpstream.start().models("plain-1");
        Path config = dir.resolve("relay.toml");
        Files.writeString(config, """
                [upstreams.ds]
                base_url = "%s"
                provider = "deepseek"

                [upstreams.local]
                base_url = "%s"
                provider = "ollama"

                [upstreams.spare]
                base_url = "%s"

                [models."deepseek-chat"]
                upstream = "ds"
                aliases = ["ds-chat"]
                context_window = 64000
                fallbacks = ["spare/plain-1"]

                [models.qwen]
                upstream = "local"
                upstream_model = "qwen3:8b"
                """.formatted(deepseek.baseUrl(), ollama.baseUrl(), plain.baseUrl()));
        relay = RelayServer.start("--port", "0", "--config", config.toString());
        client = new TestClient(relay.baseUrl());
    }

    @AfterEach
    void stop() {
        client.close();
        relay.close();
        deepseek.close();
        ollama.close();
        plain.close();
    }

    @Test
    void eachModelGoesToItsUpstreamByNameAliasPrefixAndList() throws Exception {
        deepseek.enqueue(answer("from deepseek", "reasoning_content"), answer("again", "reasoning_content"));
        ollama.enqueue(answer("from qwen", "reasoning"), answer("from llama", "reasoning"), answer("pfx", null));

        assertThat(text(post("deepseek-chat"))).isEqualTo("from deepseek");
        assertThat(text(post("ds-chat"))).isEqualTo("again");
        assertThat(text(post("qwen"))).isEqualTo("from qwen");
        assertThat(text(post("llama3.2"))).isEqualTo("from llama"); // listed by the local upstream
        assertThat(text(post("local/qwen3:8b"))).isEqualTo("pfx");

        assertThat(upstreamModels(deepseek)).containsExactly("deepseek-chat", "deepseek-chat");
        assertThat(upstreamModels(ollama)).containsExactly("qwen3:8b", "llama3.2", "qwen3:8b");
        assertThat(plain.chatRequests()).isEmpty();
        List<String> expected = new ArrayList<>();
        for (String model : List.of("deepseek-chat", "ds-chat", "qwen", "llama3.2", "local/qwen3:8b")) {
            expected.add("relay_requests_total{direction=\"responses\",model=\"" + model
                    + "\",route=\"/v1/responses\",status=\"200\"} 1.0");
        }
        expected.add("relay_open_streams 0.0");
        String metrics = client.scrapeMetricsWhenSettled(expected);
        for (String model : List.of("deepseek-chat", "ds-chat", "qwen", "llama3.2", "local/qwen3:8b")) {
            assertThat(metrics)
                    .contains("relay_requests_total{direction=\"responses\",model=\"" + model
                            + "\",route=\"/v1/responses\",status=\"200\"} 1.0");
        }
        assertThat(metrics).contains("relay_open_streams 0.0");
        // The DeepSeek profile sends DeepSeek's thinking switch; Ollama's does not.
        assertThat(JSON.readTree(deepseek.chatRequests().get(0).body()).has("thinking"))
                .isTrue();
        assertThat(JSON.readTree(ollama.chatRequests().get(0).body()).has("thinking"))
                .isFalse();
    }

    @Test
    void anUnknownModelIsA404ThatSaysWhereModelsComeFrom() throws Exception {
        try (Response response = client.postResponses(request("gpt-9"))) {
            assertThat(response.code()).isEqualTo(404);
            JsonNode error = JSON.readTree(response.body().string()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("model_not_found");
            assertThat(error.path("param").asText()).isEqualTo("model");
            assertThat(error.path("message").asText())
                    .contains("gpt-9")
                    .contains("deepseek-chat (ds-chat)")
                    .contains("local/…");
        }
        assertThat(deepseek.chatRequests()).isEmpty();
    }

    @Test
    void aFailureBeforeTheFirstByteFallsBackAndIsCounted() throws Exception {
        deepseek.enqueue(ScriptedReply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        plain.enqueue(answer("from the spare", null));

        List<SseEvent> events = post("deepseek-chat");

        assertThat(text(events)).isEqualTo("from the spare");
        assertThat(events.get(0).event()).isEqualTo("response.created");
        assertThat(events.stream().filter(e -> e.event().equals("response.created")))
                .hasSize(1);
        assertThat(upstreamModels(plain)).containsExactly("plain-1");
        assertThat(client.scrapeMetricsWhenSettled(List.of(
                        "relay_requests_total{direction=\"responses\",model=\"deepseek-chat\"",
                        "relay_open_streams 0.0")))
                .contains("relay_fallbacks_total{from=\"ds\",to=\"spare\"} 1.0")
                .contains(
                        "relay_requests_total{direction=\"responses\",model=\"deepseek-chat\",route=\"/v1/responses\","
                                + "status=\"200\"} 1.0");
    }

    @Test
    void aFailureAfterBytesReachedTheClientDoesNotFallBack() throws Exception {
        deepseek.enqueue(answer("cut", "reasoning_content").withConnectionDroppedAfter(2));
        plain.enqueue(answer("never", null));

        List<SseEvent> events = post("deepseek-chat");

        assertThat(events.get(events.size() - 1).event()).isEqualTo("response.failed");
        assertThat(plain.chatRequests()).isEmpty();
        assertThat(client.scrapeMetrics()).doesNotContain("relay_fallbacks_total{");
    }

    @Test
    void theMergedModelListKeepsTheOthersWhenOneUpstreamIsDown() throws Exception {
        ollama.close();
        List<String> ids = new ArrayList<>();
        try (Response response = client.send(
                new Request.Builder().url(relay.baseUrl() + "/models").build())) {
            assertThat(response.code()).isEqualTo(200);
            JSON.readTree(response.body().string())
                    .path("data")
                    .forEach(m -> ids.add(m.path("id").asText()));
        }
        assertThat(ids)
                .contains("deepseek-chat", "ds-chat", "qwen", "ds/deepseek-chat", "plain-1")
                .doesNotContain("llama3.2");
        try (Response response = client.send(new Request.Builder()
                .url(relay.baseUrl().replace("/v1", "") + "/readyz")
                .build())) {
            assertThat(response.code()).isEqualTo(200);
            JsonNode ready = JSON.readTree(response.body().string());
            assertThat(ready.at("/upstreams/local/reachable").asBoolean(true)).isFalse();
            assertThat(ready.at("/upstreams/ds/reachable").asBoolean()).isTrue();
        }
    }

    @Test
    void codexConfigFromTheRelaysOwnListCatalogsEveryRoutedModel() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.responsesrelay.codexconfig.CodexConfigCommand.run(
                new String[] {"--upstream", relay.baseUrl(), "--port", Integer.toString(relay.port())},
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(exit)
                .as(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .isZero();
        JsonNode catalog = JSON.readTree(printed.substring(printed.indexOf("{", printed.indexOf("relay-catalog"))));
        List<String> slugs = new ArrayList<>();
        catalog.path("models").forEach(m -> slugs.add(m.path("slug").asText()));
        assertThat(slugs).contains("deepseek-chat", "ds-chat", "qwen", "llama3.2", "local/llama3.2", "plain-1");
        catalog.path("models").forEach(m -> {
            if (m.path("slug").asText().equals("deepseek-chat")) {
                assertThat(m.path("context_window").asInt()).isEqualTo(64000);
            }
        });
    }

    // ---- helpers

    private List<SseEvent> post(String model) throws Exception {
        try (Response response = client.postResponses(request(model))) {
            assertThat(response.code()).as(model).isEqualTo(200);
            return TestClient.readEvents(response);
        }
    }

    private static String request(String model) {
        return "{\"model\":\"" + model + "\",\"input\":\"hi\",\"stream\":true,\"reasoning\":{\"effort\":\"high\"}}";
    }

    private static List<String> upstreamModels(ScriptedChatUpstream upstream) throws Exception {
        List<String> models = new ArrayList<>();
        for (var request : upstream.chatRequests()) {
            models.add(JSON.readTree(request.body()).path("model").asText());
        }
        return models;
    }

    /** The text of the completed response's message. */
    private static String text(List<SseEvent> events) throws Exception {
        SseEvent last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("response.completed");
        StringBuilder text = new StringBuilder();
        for (JsonNode item : JSON.readTree(last.data()).at("/response/output")) {
            for (JsonNode part : item.path("content")) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    /** A short streamed answer, with reasoning in {@code reasoningField} first if given. */
    private static ScriptedReply answer(String text, @Nullable String reasoningField) {
        List<String> chunks = new ArrayList<>();
        if (reasoningField != null) {
            chunks.add("{\"choices\":[{\"index\":0,\"delta\":{\"" + reasoningField + "\":\"thinking\"}}]}");
        }
        chunks.add("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}");
        chunks.add("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        return ScriptedReply.sse(chunks);
    }
}
