package dev.responsesrelay.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.server.RelayServer;
import dev.responsesrelay.server.ServerOptions;
import dev.responsesrelay.server.chat.ScriptedHttpUpstream.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay in reverse ({@code --upstream-api responses}): Chat Completions requests in, a scripted
 * Responses upstream behind ({@link ScriptedHttpUpstream}).
 */
class ChatCompletionsServerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String STREAMED_HELLO = "{\"model\":\"gpt-5\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    private static final String HELLO =
            "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    /**
     * Synthetic, shaped after the Responses API {@code response} object (the non-streamed answer of
     * POST /v1/responses; docs/codex-wire.md §2 shows the same object inside response.completed).
     */
    private static final String COMPLETED_RESPONSE = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,"
            + "\"status\":\"completed\",\"model\":\"gpt-5\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Hi there\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":12,\"output_tokens\":3,"
            + "\"total_tokens\":15}}";

    private final OkHttpClient http = new OkHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void streamedChatThroughResponsesUpstreamCarriesTextReasoningUsageAndDone() throws Exception {
        ScriptedHttpUpstream upstream = upstream(Answer.sse(sharedSse("02_reasoning_plus_text.sse")));
        RelayServer relay = relay(upstream);

        try (Response response = post(relay, STREAMED_HELLO)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            List<String> payloads = dataPayloads(response);

            assertThat(payloads).last().isEqualTo("[DONE]");
            List<JsonNode> chunks = chunks(payloads);
            assertThat(chunks).allSatisfy(chunk -> {
                assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                assertThat(chunk.path("model").asText()).isEqualTo("gpt-5");
            });
            assertThat(joined(chunks, "content")).isEqualTo("Hello!");
            assertThat(joined(chunks, "reasoning_content")).contains("Thinking about greeting");
            assertThat(chunks)
                    .anySatisfy(chunk -> assertThat(chunk.path("choices")
                                    .path(0)
                                    .path("finish_reason")
                                    .asText())
                            .isEqualTo("stop"));
            JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
            assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(5000);
            assertThat(usage.path("completion_tokens").asLong()).isEqualTo(50);
        }
        JsonNode sent = MAPPER.readTree(upstream.bodies().get(0));
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("store").asBoolean(true)).isFalse();
        assertThat(sent.path("input").toString()).contains("Say hello");
    }

    @Test
    void nonStreamedChatMapsTheResponseObjectToAChatCompletion() throws Exception {
        ScriptedHttpUpstream upstream = upstream(Answer.json(200, COMPLETED_RESPONSE));
        RelayServer relay = relay(upstream);

        try (Response response = post(relay, HELLO)) {
            assertThat(response.code()).isEqualTo(200);
            JsonNode completion = MAPPER.readTree(response.body().string());
            assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
            assertThat(completion
                            .path("choices")
                            .path(0)
                            .path("message")
                            .path("content")
                            .asText())
                    .isEqualTo("Hi there");
            assertThat(completion.path("choices").path(0).path("finish_reason").asText())
                    .isEqualTo("stop");
            assertThat(completion.path("usage").path("prompt_tokens").asLong()).isEqualTo(12);
            assertThat(completion.path("usage").path("completion_tokens").asLong())
                    .isEqualTo(3);
        }
        assertThat(MAPPER.readTree(upstream.bodies().get(0)).path("stream").asBoolean(false))
                .isFalse();
    }

    @Test
    void upstream429BeforeTheFirstChunkKeepsItsStatusBodyAndRetryAfter() throws Exception {
        // Synthetic, shaped after OpenAI's rate-limit error body (docs/dialects.md, section on errors).
        String limited = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
        ScriptedHttpUpstream upstream =
                upstream(new Answer(429, "application/json", limited, Map.of("Retry-After", "7"), false));
        RelayServer relay = relay(upstream);

        try (Response response = post(relay, STREAMED_HELLO)) {
            assertThat(response.code()).isEqualTo(429);
            assertThat(response.header("Retry-After")).isEqualTo("7");
            JsonNode error = MAPPER.readTree(response.body().string()).path("error");
            assertThat(error.path("message").asText()).contains("Rate limit reached");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        }
    }

    @Test
    void upstream400OnANonStreamedRequestIsAChatError400() throws Exception {
        String invalid = "{\"error\":{\"message\":\"Invalid value for 'input'\",\"type\":\"invalid_request_error\","
                + "\"param\":\"input\",\"code\":\"invalid_value\"}}";
        RelayServer relay = relay(upstream(Answer.json(400, invalid)));

        try (Response response = post(relay, HELLO)) {
            assertThat(response.code()).isEqualTo(400);
            JsonNode error = MAPPER.readTree(response.body().string()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).contains("Invalid value for 'input'");
        }
    }

    @Test
    void invalidChatRequestIs400NamingTheFieldAndNeverReachesTheUpstream() throws Exception {
        ScriptedHttpUpstream upstream = upstream();
        RelayServer relay = relay(upstream);

        try (Response response = post(relay, "{\"model\":\"gpt-5\",\"messages\":\"not a list\"}")) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("messages");
        }
        assertThat(upstream.bodies()).isEmpty();
    }

    @Test
    void requireKeyRefusesOtherClientsAndPassesTheKeyUpstreamWithoutApiKey() throws Exception {
        ScriptedHttpUpstream upstream = upstream(Answer.json(200, COMPLETED_RESPONSE));
        RelayServer relay = relay(upstream, "--require-key", "sesame");

        try (Response refused = post(relay, HELLO)) {
            assertThat(refused.code()).isEqualTo(401);
            assertThat(MAPPER.readTree(refused.body().string())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("invalid_api_key");
        }
        try (Response wrongKey = post(relay, HELLO, "Bearer nope")) {
            assertThat(wrongKey.code()).isEqualTo(401);
        }
        try (Response accepted = post(relay, HELLO, "Bearer sesame")) {
            assertThat(accepted.code()).isEqualTo(200);
        }
        assertThat(upstream.bodies()).hasSize(1);
        assertThat(upstream.authorizations()).containsExactly("Bearer sesame");
    }

    @Test
    void modelsListsTheUpstreamsModels() throws Exception {
        RelayServer relay = relay(upstream());
        Request request = new Request.Builder()
                .url(relay.baseUrl() + "/models")
                .header("Connection", "close")
                .build();
        try (Response response = http.newCall(request).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(MAPPER.readTree(response.body().string())
                            .path("data")
                            .path(0)
                            .path("id")
                            .asText())
                    .isEqualTo("scripted-model");
        }
    }

    @Test
    void clientHangUpCancelsTheUpstreamCall() throws Exception {
        String opening = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
                + "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n";
        ScriptedHttpUpstream upstream = upstream(Answer.hangAfter(opening));
        RelayServer relay = relay(upstream);

        Response response = post(relay, STREAMED_HELLO);
        assertThat(response.code()).isEqualTo(200);
        // The opening chunk arrives once the first-byte window closes; then the client hangs up.
        InputStream in = response.body().byteStream();
        assertThat(in.read(new byte[64])).isPositive();
        response.close();

        assertThat(upstream.awaitHangUp(15))
                .as("upstream connection closed by the relay")
                .isTrue();
    }

    @Test
    void upstreamEndingMidAnswerEndsTheStreamWithAnErrorPayloadAndNoDone() throws Exception {
        String cut = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
                + "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hel\"}\n\n";
        RelayServer relay = relay(upstream(Answer.sse(cut)));

        try (Response response = post(relay, STREAMED_HELLO)) {
            List<String> payloads = dataPayloads(response);
            assertThat(payloads).doesNotContain("[DONE]");
            assertThat(MAPPER.readTree(payloads.get(payloads.size() - 1)).has("error"))
                    .isTrue();
        }
    }

    @Test
    void codexOnANonLoopbackHostWithoutRequireKeyRefusesToStart() {
        assertThatThrownBy(() ->
                        ServerOptions.parse(new String[] {"--upstream-api", "codex", "--host", "0.0.0.0"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--require-key");
        ServerOptions withKey = ServerOptions.parse(
                new String[] {"--upstream-api", "codex", "--host", "0.0.0.0", "--require-key", "k"}, Map.of());
        assertThat(withKey.upstreamApi()).isEqualTo(ServerOptions.UpstreamApi.CODEX);
        assertThat(withKey.codex().sandbox()).isEqualTo("read-only");
    }

    @Test
    void upstreamUrlEndingInResponsesSelectsTheResponsesApi() {
        ServerOptions options =
                ServerOptions.parse(new String[] {"--upstream", "https://api.example.com/v1/responses"}, Map.of());
        assertThat(options.upstreamApi()).isEqualTo(ServerOptions.UpstreamApi.RESPONSES);
        assertThat(ServerOptions.parse(new String[] {"--upstream", "https://api.example.com/v1"}, Map.of())
                        .upstreamApi())
                .isEqualTo(ServerOptions.UpstreamApi.CHAT);
    }

    @Test
    void recordsAStreamedReverseExchangeWithoutKeys(@TempDir Path recordDir) throws Exception {
        String upstreamSse = sharedSse("02_reasoning_plus_text.sse");
        ScriptedHttpUpstream upstream = upstream(Answer.sse(upstreamSse));
        RelayServer relay = relay(
                upstream,
                "--api-key",
                "sk-upstream-secret-123",
                "--require-key",
                "relay-client-secret-456",
                "--record",
                recordDir.toString());

        String sent;
        try (Response response = post(relay, STREAMED_HELLO, "Bearer relay-client-secret-456")) {
            assertThat(response.code()).isEqualTo(200);
            sent = response.body().string();
        }
        relay.close(); // waits for the exchange, so its recording is complete

        Path exchange = onlyExchange(recordDir);
        assertThat(Files.readString(exchange.resolve("request.chat.json"))).isEqualTo(STREAMED_HELLO);
        assertThat(Files.readString(exchange.resolve("request.responses.json")))
                .isEqualTo(upstream.bodies().get(0));
        assertThat(Files.readString(exchange.resolve("upstream.responses.sse"))).isEqualTo(upstreamSse);
        assertThat(Files.readString(exchange.resolve("response.chat.sse"))).isEqualTo(sent);
        JsonNode meta = MAPPER.readTree(exchange.resolve("exchange.json").toFile());
        assertThat(meta.path("upstream_status").asInt()).isEqualTo(200);
        assertThat(meta.path("upstream_url").asText()).isEqualTo(upstream.baseUrl() + "/responses");
        assertNoSecrets(exchange, "sk-upstream-secret-123", "relay-client-secret-456");
    }

    @Test
    void recordsANonStreamedReverseExchange(@TempDir Path recordDir) throws Exception {
        ScriptedHttpUpstream upstream = upstream(Answer.json(200, COMPLETED_RESPONSE));
        RelayServer relay = relay(upstream, "--record", recordDir.toString());

        String sent;
        try (Response response = post(relay, HELLO, "Bearer client-key-passed-upstream-789")) {
            assertThat(response.code()).isEqualTo(200);
            sent = response.body().string();
        }
        relay.close();

        Path exchange = onlyExchange(recordDir);
        assertThat(Files.readString(exchange.resolve("request.chat.json"))).isEqualTo(HELLO);
        assertThat(Files.readString(exchange.resolve("upstream.responses.json")))
                .isEqualTo(COMPLETED_RESPONSE);
        assertThat(Files.readString(exchange.resolve("response.chat.json"))).isEqualTo(sent);
        assertThat(MAPPER.readTree(exchange.resolve("exchange.json").toFile())
                        .path("status")
                        .asInt())
                .isEqualTo(200);
        // The client's key went upstream (no --api-key), but not to the disk.
        assertThat(upstream.authorizations()).containsExactly("Bearer client-key-passed-upstream-789");
        assertNoSecrets(exchange, "client-key-passed-upstream-789");
    }

    private static Path onlyExchange(Path recordDir) throws IOException {
        List<Path> exchanges;
        try (Stream<Path> dirs = Files.list(recordDir)) {
            exchanges = dirs.toList();
        }
        assertThat(exchanges).hasSize(1);
        return exchanges.get(0);
    }

    private static void assertNoSecrets(Path exchange, String... secrets) throws IOException {
        try (Stream<Path> files = Files.walk(exchange)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file))
                        .as("%s holds no key", file.getFileName())
                        .doesNotContain(secrets)
                        .doesNotContainIgnoringCase("\"authorization\"");
            }
        }
    }

    private ScriptedHttpUpstream upstream(Answer... answers) throws IOException {
        ScriptedHttpUpstream upstream = new ScriptedHttpUpstream("/v1/responses", answers);
        closeables.add(upstream);
        return upstream;
    }

    private RelayServer relay(ScriptedHttpUpstream upstream, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--port", "0", "--upstream", upstream.baseUrl(), "--upstream-api", "responses", "--keep-alive", "0.2"));
        args.addAll(List.of(extra));
        RelayServer relay = RelayServer.start(args.toArray(String[]::new));
        closeables.add(0, relay);
        return relay;
    }

    private Response post(RelayServer relay, String body) throws IOException {
        return post(relay, body, null);
    }

    private Response post(RelayServer relay, String body, @org.jspecify.annotations.Nullable String authorization)
            throws IOException {
        Request.Builder request =
                new Request.Builder().url(relay.baseUrl() + "/chat/completions").post(RequestBody.create(body, JSON));
        // No idle keep-alive connection for the relay's graceful stop to wait out.
        request.header("Connection", "close");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.newCall(request.build()).execute();
    }

    static List<String> dataPayloads(Response response) throws IOException {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>(decoder.feed(response.body().bytes()));
        events.addAll(decoder.finish());
        return events.stream().map(SseEvent::data).toList();
    }

    private static List<JsonNode> chunks(List<String> payloads) throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (String payload : payloads) {
            if (!payload.equals("[DONE]")) {
                chunks.add(MAPPER.readTree(payload));
            }
        }
        return chunks;
    }

    private static String joined(List<JsonNode> chunks, String field) {
        StringBuilder out = new StringBuilder();
        for (JsonNode chunk : chunks) {
            JsonNode value = chunk.path("choices").path(0).path("delta").path(field);
            if (value.isTextual()) {
                out.append(value.asText());
            }
        }
        return out.toString();
    }

    /** Sample {@code codex-0.169.0/sse/<name>} (relay-fixtures): a Responses stream Codex 0.169 accepted. */
    static String sharedSse(String name) {
        return Samples.text("codex-0.169.0/sse/" + name);
    }
}
