package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayServerEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeUpstream upstream = new FakeUpstream();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    RelayServerEndpointsTest() throws Exception {}

    @AfterEach
    void closeAll() throws Exception {
        // Clients first: a server stopping with idle keep-alive connections waits for them.
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        upstream.close();
    }

    private RelayServer start(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--upstream", upstream.baseUrl()));
        args.addAll(List.of(extraArgs));
        RelayServer server = RelayServer.start(args.toArray(String[]::new));
        toClose.add(server);
        return server;
    }

    private TestClient client(RelayServer server) {
        TestClient client = new TestClient(server.baseUrl());
        toClose.add(client);
        return client;
    }

    private static String root(RelayServer server) {
        return server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
    }

    /** Asserts the OpenAI error shape and returns {@code error}. */
    private static JsonNode openAiError(Response response) throws Exception {
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode error = JSON.readTree(response.body().string()).path("error");
        assertThat(error.path("message").isTextual()).as("error.message").isTrue();
        assertThat(error.path("type").isTextual()).as("error.type").isTrue();
        assertThat(error.has("param")).as("error.param").isTrue();
        assertThat(error.has("code")).as("error.code").isTrue();
        return error;
    }

    @Test
    void healthzIsOkOnceStarted() throws Exception {
        RelayServer server = start();

        try (Response response = client(server)
                .send(new Request.Builder().url(root(server) + "/healthz").build())) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(JSON.readTree(response.body().string()).path("status").asText())
                    .isEqualTo("ok");
        }
    }

    @Test
    void bindsLoopbackByDefault() throws Exception {
        RelayServer server = start();

        assertThat(server.baseUrl()).startsWith("http://127.0.0.1:").endsWith("/v1");
        assertThat(server.port()).isPositive();
    }

    @Test
    void unknownPathIsJson404() throws Exception {
        RelayServer server = start();

        try (Response response = client(server)
                .send(new Request.Builder()
                        .url(server.baseUrl() + "/responses/compact")
                        .build())) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(openAiError(response).path("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void wrongMethodIsJson405WithAllow() throws Exception {
        RelayServer server = start();

        // Codex tries GET /v1/responses (a WebSocket upgrade) only with supports_websockets.
        try (Response response = client(server)
                .send(new Request.Builder().url(server.baseUrl() + "/responses").build())) {
            assertThat(response.code()).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("POST");
            openAiError(response);
        }
        try (Response response = client(server)
                .send(new Request.Builder()
                        .url(server.baseUrl() + "/models")
                        .delete()
                        .build())) {
            assertThat(response.code()).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("GET");
        }
    }

    @Test
    void modelsComeFromTheUpstream() throws Exception {
        RelayServer server = start();

        try (Response response = client(server)
                .send(new Request.Builder()
                        .url(server.baseUrl() + "/models")
                        .header("Authorization", "Bearer client-key")
                        .build())) {
            assertThat(response.code()).isEqualTo(200);
            JsonNode list = JSON.readTree(response.body().string());
            assertThat(list.path("object").asText()).isEqualTo("list");
            assertThat(list.path("data").path(0).path("id").asText()).isEqualTo("relay-test-model");
        }
    }

    @Test
    void invalidJsonIs400() throws Exception {
        RelayServer server = start();

        try (Response response = client(server).postResponses("{\"model\": \"m\", \"input\": [")) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(openAiError(response).path("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        RelayServer server = start();

        try (Response response = client(server)
                .send(new Request.Builder()
                        .url(server.baseUrl() + "/responses")
                        .post(RequestBody.create(
                                Samples.codexPlainRequest(), MediaType.get("application/x-www-form-urlencoded")))
                        .build())) {
            assertThat(response.code()).isEqualTo(415);
            openAiError(response);
        }
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void bodyAboveTheLimitIs413WithoutReadingIt() throws Exception {
        RelayServer server = start();

        // Declare a body one byte over the limit and send almost none of it: the relay must
        // answer from the Content-Length alone.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + (64 * 1024 * 1024 + 1) + "\r\n\r\n{\"model\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readHttpAnswer(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).contains("\"error\"", "invalid_request_error");
        }
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void malformedHttpGetsAJsonErrorToo() throws Exception {
        RelayServer server = start();

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon in this header\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readHttpAnswer(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 400");
            JsonNode error = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                    .path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void bodyOf33MebibytesIsAccepted() throws Exception {
        RelayServer server = start();
        // Codex sends screenshots inline as base64; a 33 MiB request must get through.
        StringBuilder big = new StringBuilder(34 * 1024 * 1024);
        big.append("{\"model\":\"relay-test-model\",\"stream\":true,\"input\":\"");
        while (big.length() < 33 * 1024 * 1024) {
            big.append("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        }
        big.append("\"}");

        try (Response response = client(server).postResponses(big.toString())) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
        }
        assertThat(upstream.chatRequests).hasSize(1);
        assertThat(upstream.chatRequests.get(0).getBodySize()).isGreaterThan(33L * 1024 * 1024);
    }

    @Test
    void requireKeyRefusesWithoutReachingTheUpstream() throws Exception {
        RelayServer server = start("--require-key", "relay-key-1", "--require-key", "relay-key-2");
        TestClient client = client(server);

        try (Response response = client.postResponses(Samples.codexPlainRequest())) {
            assertThat(response.code()).isEqualTo(401);
            assertThat(openAiError(response).path("code").asText()).isEqualTo("invalid_api_key");
        }
        try (Response response =
                client.postResponses(Samples.codexPlainRequest(), "Authorization", "Bearer wrong-key")) {
            assertThat(response.code()).isEqualTo(401);
        }
        try (Response response = client.send(new Request.Builder()
                .url(server.baseUrl() + "/models")
                .header("Authorization", "Bearer wrong-key")
                .build())) {
            assertThat(response.code()).isEqualTo(401);
        }
        assertThat(upstream.chatRequests).isEmpty();

        try (Response response =
                client.postResponses(Samples.codexPlainRequest(), "Authorization", "Bearer relay-key-2")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
        }
        assertThat(upstream.chatRequests).hasSize(1);
    }

    @Test
    void clientBearerTokenGoesUpstreamWithoutApiKey() throws Exception {
        RelayServer server = start();

        try (Response response =
                client(server).postResponses(Samples.codexPlainRequest(), "Authorization", "Bearer sk-client-own")) {
            TestClient.readEvents(response);
        }

        RecordedRequest chat = upstream.chatRequests.get(0);
        assertThat(chat.getHeaders().get("Authorization")).isEqualTo("Bearer sk-client-own");
    }

    @Test
    void apiKeyReplacesTheClientsToken() throws Exception {
        RelayServer server = start("--api-key", "sk-relay-own");

        try (Response response =
                client(server).postResponses(Samples.codexPlainRequest(), "Authorization", "Bearer sk-client-own")) {
            TestClient.readEvents(response);
        }
        try (Response response = client(server)
                .send(new Request.Builder()
                        .url(server.baseUrl() + "/models")
                        .header("Authorization", "Bearer sk-client-own")
                        .build())) {
            assertThat(response.code()).isEqualTo(200);
        }

        RecordedRequest chat = upstream.chatRequests.get(0);
        assertThat(chat.getHeaders().get("Authorization")).isEqualTo("Bearer sk-relay-own");
        assertThat(chat.getHeaders().toString()).doesNotContain("sk-client-own");
    }

    @Test
    void nonStreamingRequestGetsOneJsonResponse() throws Exception {
        RelayServer server = start();

        try (Response response = client(server).postResponses(Samples.codexPlainRequestNotStreamed())) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            JsonNode body = JSON.readTree(response.body().string());
            assertThat(body.path("object").asText()).isEqualTo("response");
            assertThat(body.path("model").asText()).isEqualTo("my-custom-model");
        }
    }

    @Test
    void nonStreamingUpstreamErrorKeepsItsStatus() throws Exception {
        upstream.enqueue(
                FakeUpstream.jsonError(400, Samples.data("dialects/openai-error-context-length-exceeded.json")));
        RelayServer server = start();

        try (Response response = client(server).postResponses(Samples.codexPlainRequestNotStreamed())) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(openAiError(response).path("code").asText()).isEqualTo("context_length_exceeded");
        }
    }

    /** Reads a complete HTTP/1.1 answer with a Content-Length from a raw socket. */
    private static String readHttpAnswer(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            String text = out.toString(StandardCharsets.UTF_8);
            int headerEnd = text.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                        .matcher(text.substring(0, headerEnd));
                if (length.find() && text.length() - headerEnd - 4 >= Integer.parseInt(length.group(1))) {
                    return text;
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
