package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.server.http.AccessLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user meets in the first hour (issue 17): upstream errors that say where they come
 * from, a pasted {@code /chat/completions} endpoint, the start-up hint for a base URL without {@code
 * /v1}, and the access log.
 */
class FirstHourServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Synthetic request in the Responses API's shape; its text must never reach a log line. */
    private static final String SECRET_PROMPT = "tell-nobody-4711";

    private static final String REQUEST =
            "{\"model\":\"relay-test-model\",\"stream\":true,\"input\":\"" + SECRET_PROMPT + "\"}";

    /**
     * Synthetic Chat Completions stream following OpenAI's documented chunk shape
     * (https://platform.openai.com/docs/api-reference/chat-streaming) with the final usage chunk
     * that {@code stream_options.include_usage} asks for.
     */
    private static final String STREAM = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"relay-test-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"relay-test-model\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"relay-test-model\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n"
            + "data: [DONE]\n\n";

    private final FakeUpstream upstream = new FakeUpstream();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    /**
     * Held here: the log manager keeps loggers only weakly, and a logger collected before the relay's
     * classes first ask for it would take the capturing handler with it.
     */
    private final Logger accessLogger = Logger.getLogger(AccessLog.LOGGER_NAME);

    private final Logger serverLogger = Logger.getLogger("dev.responsesrelay.server");

    FirstHourServerTest() throws Exception {
        accessLogger.addHandler(capture);
        serverLogger.addHandler(capture);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        upstream.close();
        accessLogger.removeHandler(capture);
        serverLogger.removeHandler(capture);
    }

    private RelayServer start(String... args) throws Exception {
        RelayServer server = RelayServer.start(args);
        toClose.add(server);
        return server;
    }

    private TestClient client(RelayServer server) {
        TestClient client = new TestClient(server.baseUrl());
        toClose.add(client);
        return client;
    }

    private List<String> lines(String logger) {
        return logged.stream()
                .filter(r -> r.getLoggerName().equals(logger))
                .map(LogRecord::getMessage)
                .toList();
    }

    @Test
    void anUpstream404NamesTheUpstreamUrlAndSuggestsV1() throws Exception {
        // The case: --upstream without /v1, so the relay calls {base}/chat/completions, which
        // the server does not serve.
        String base = upstream.server.url("/").toString().replaceFirst("/$", "");
        RelayServer server = start("--port", "0", "--upstream", base);

        try (Response response = client(server).postResponses(REQUEST)) {
            assertThat(response.code()).isEqualTo(404);
            String message =
                    JSON.readTree(response.body().string()).at("/error/message").asText();
            assertThat(message)
                    .startsWith("The upstream POST " + base + "/chat/completions answered HTTP 404")
                    .contains("add /v1 to its base URL");
        }
        assertThat(lines("dev.responsesrelay.server"))
                .anySatisfy(line ->
                        assertThat(line).contains("GET " + base + "/models with 404", "--upstream " + base + "/v1"));
    }

    @Test
    void anUpstreamThatCannotBeReachedIsNamedToo() throws Exception {
        String unreachable = "http://127.0.0.1:" + freePort() + "/v1";
        RelayServer server = start("--port", "0", "--upstream", unreachable);

        try (Response response = client(server).postResponses(REQUEST.replace("\"stream\":true", "\"stream\":false"))) {
            assertThat(response.code()).isEqualTo(502);
            assertThat(JSON.readTree(response.body().string())
                            .at("/error/message")
                            .asText())
                    .startsWith("The upstream connection to POST " + unreachable + "/chat/completions failed: ");
        }
    }

    @Test
    void aPastedChatCompletionsEndpointIsCorrectedNotDoubled() throws Exception {
        upstream.enqueue(FakeUpstream.eventStream(STREAM));
        RelayServer server = start("--port", "0", "--upstream", upstream.baseUrl() + "/chat/completions");

        try (Response response = client(server).postResponses(REQUEST)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
        }
        RecordedRequest chat = upstream.chatRequests.get(0);
        assertThat(chat.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(lines("dev.responsesrelay.server"))
                .anySatisfy(line -> assertThat(line)
                        .contains("--upstream is the base URL before /chat/completions; using " + upstream.baseUrl()));
    }

    @Test
    void eachRequestGetsOneAccessLineWithItsIdAndNoContentOrKeys() throws Exception {
        upstream.enqueue(FakeUpstream.eventStream(STREAM));
        RelayServer server = start(
                "--port", "0",
                "--upstream", upstream.baseUrl(),
                "--api-key", "sk-upstream-secret-123",
                "--require-key", "relay-client-secret-456");
        TestClient client = client(server);

        try (Response response = client.postResponses(
                REQUEST, "Authorization", "Bearer relay-client-secret-456", "x-request-id", "my-trace-1")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("x-request-id")).isEqualTo("my-trace-1");
            TestClient.readEvents(response);
        }
        String refusedId;
        try (Response refused = client.postResponses(REQUEST, "Authorization", "Bearer wrong-key")) {
            assertThat(refused.code()).isEqualTo(401);
            refusedId = refused.header("x-request-id");
            assertThat(refusedId).startsWith("req_");
        }

        List<String> access = awaitLines(2);
        assertThat(access.get(0))
                .startsWith("access request_id=my-trace-1 route=\"POST /v1/responses\" model=relay-test-model"
                        + " upstream=upstream status=200 upstream_status=200 first_byte_ms=")
                .contains(" total_ms=", " input_tokens=12 output_tokens=3 outcome=completed");
        assertThat(access.get(1))
                .startsWith("access request_id=" + refusedId + " route=\"POST /v1/responses\" status=401")
                .contains("reason=\"missing or unknown API key");
        assertThat(String.join("\n", access))
                .doesNotContain(
                        SECRET_PROMPT, "Hi\"", "sk-upstream-secret-123", "relay-client-secret-456", "wrong-key");
    }

    @Test
    void theJsonAccessLogIsOneObjectPerLine() throws Exception {
        upstream.enqueue(
                FakeUpstream.jsonError(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}"));
        RelayServer server = start("--port", "0", "--upstream", upstream.baseUrl(), "--access-log", "json");

        try (Response response = client(server).postResponses(REQUEST)) {
            assertThat(response.code()).isEqualTo(429);
        }
        JsonNode line = JSON.readTree(awaitLines(1).get(0));
        assertThat(line.path("route").asText()).isEqualTo("POST /v1/responses");
        assertThat(line.path("model").asText()).isEqualTo("relay-test-model");
        assertThat(line.path("status").asInt()).isEqualTo(429);
        assertThat(line.path("upstream_status").asInt()).isEqualTo(429);
        assertThat(line.path("reason").asText()).contains("slow down", upstream.baseUrl() + "/chat/completions");
    }

    @Test
    void anUnknownPathIsLoggedWithItsReason() throws Exception {
        RelayServer server = start("--port", "0", "--upstream", upstream.baseUrl());
        String root = server.baseUrl().replaceFirst("/v1$", "");
        try (Response response =
                client(server).send(new Request.Builder().url(root + "/nowhere").build())) {
            assertThat(response.code()).isEqualTo(404);
        }
        assertThat(awaitLines(1).get(0))
                .startsWith("access request_id=req_")
                .contains("route=\"GET /nowhere\" status=404", "reason=\"unknown path /nowhere");
    }

    @Test
    void accessLogOffWritesNothing() throws Exception {
        RelayServer server = start("--port", "0", "--upstream", upstream.baseUrl(), "--access-log", "off");
        try (Response response = client(server)
                .send(new Request.Builder().url(server.baseUrl() + "/models").build())) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("x-request-id")).startsWith("req_");
        }
        Thread.sleep(200); // nothing to wait for: give a wrongly written line the chance to appear
        assertThat(lines(AccessLog.LOGGER_NAME)).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIsToldWhereItBrokeAlsoWhenRoutingByModel(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("relay.toml"), """
                [upstreams.local]
                base_url = "%s"
                """.formatted(upstream.baseUrl()));
        RelayServer routed = start("--port", "0", "--config", config.toString());
        RelayServer single = start("--port", "0", "--upstream", upstream.baseUrl());

        for (RelayServer server : List.of(routed, single)) {
            try (Response response = client(server).postResponses("{\"model\":\"relay-test-model\",]")) {
                assertThat(response.code()).isEqualTo(400);
                String message = JSON.readTree(response.body().string())
                        .at("/error/message")
                        .asText();
                assertThat(message)
                        .startsWith("request body is not valid JSON: line 1, column ")
                        .contains("expected a field name in double quotes, found ']'")
                        .doesNotContain("StreamReadFeature", "Source", "(code ", "model is required");
            }
        }
        assertThat(upstream.chatRequests).isEmpty();
    }

    /** The access lines, once there are {@code count} (written when each exchange completes). */
    private List<String> awaitLines(int count) throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            List<String> access = lines(AccessLog.LOGGER_NAME);
            if (access.size() >= count) {
                assertThat(access).hasSize(count);
                return access;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("fewer than " + count + " access lines: " + lines(AccessLog.LOGGER_NAME));
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
