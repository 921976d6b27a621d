package dev.responsesrelay.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.Translation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OkHttpRelayNonStreamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    final MockWebServer server = new MockWebServer();

    private final OkHttpClient client = OkHttpRelay.newClientBuilder().build();

    @AfterEach
    void shutDownClient() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }

    private OkHttpRelay relay() {
        return OkHttpRelay.create(
                client,
                Upstream.builder(server.url("/v1").toString())
                        .bearerToken("sk-upstream")
                        .build());
    }

    /**
     * Answers the chat request the way it asked: with the real OpenAI tool-call completion, as a
     * JSON body or (if the request asked to stream) as the real OpenAI plain-text stream. Whether
     * the core streams upstream for a non-streaming client is the profile's choice.
     */
    private void answerAsAsked() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                boolean streams;
                try {
                    streams = JSON.readTree(request.getBody().utf8())
                            .path("stream")
                            .asBoolean(false);
                } catch (java.io.IOException e) {
                    return new MockResponse.Builder().code(400).build();
                }
                return streams
                        ? new MockResponse.Builder()
                                .setHeader("Content-Type", "text/event-stream")
                                .body(Samples.openAiPlainStream())
                                .build()
                        : new MockResponse.Builder()
                                .setHeader("Content-Type", "application/json")
                                .body(Samples.openAiToolCallCompletion())
                                .build();
            }
        });
    }

    @Test
    void nonStreamingClientGetsOneResponseObject() throws Exception {
        answerAsAsked();
        OkHttpRelay relay = relay();
        Translation translation = relay.translator().translate(Samples.codexPlainRequestNotStreamed());
        assertThat(translation.clientStreams()).isFalse();

        RelayResponse response = relay.execute(translation);

        assertThat(response.httpStatus()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("response");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("model").asText()).isEqualTo("my-custom-model");
        RecordedRequest request = server.takeRequest();
        assertThat(request.getHeaders().get("Accept"))
                .isEqualTo(translation.upstreamStreams() ? "text/event-stream" : "application/json");
    }

    @Test
    void respondDeliversTheSameAnswerAsynchronously() throws Exception {
        answerAsAsked();
        OkHttpRelay relay = relay();
        Translation translation = relay.translator().translate(Samples.codexPlainRequestNotStreamed());
        CompletableFuture<RelayResponse> answer = new CompletableFuture<>();

        relay.respond(translation, answer::complete);

        RelayResponse response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.isSuccessful()).isTrue();
        assertThat(JSON.readTree(response.body()).path("object").asText()).isEqualTo("response");
    }

    @Test
    void nonStreamingUpstreamErrorKeepsStatusAndRetryAfter() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/json")
                .setHeader("Retry-After", "12")
                .body(Samples.data("dialects/openai-error-429-request-too-large.json"))
                .build());
        OkHttpRelay relay = relay();

        RelayResponse response = relay.execute(relay.translator().translate(Samples.codexPlainRequestNotStreamed()));

        assertThat(response.httpStatus()).isEqualTo(429);
        assertThat(response.headers()).containsEntry("Retry-After", "12");
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText())
                .isEqualTo("rate_limit_exceeded");
    }

    @Test
    void modelsArePassedThrough() throws Exception {
        String list = "{\"object\":\"list\",\"data\":[{\"id\":\"deepseek-chat\",\"object\":\"model\","
                + "\"owned_by\":\"deepseek\"}]}"; // synthetic, OpenAI list shape
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body(list)
                .build());

        RelayResponse response = relay().models();

        assertThat(response.httpStatus()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(list);
        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/models");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer sk-upstream");
    }

    @Test
    void modelsAnswerThatIsNotAListIsABadGateway() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/html")
                .body("<html>welcome to nginx</html>")
                .build());

        RelayResponse response = relay().models();

        assertThat(response.httpStatus()).isEqualTo(502);
        assertThat(response.error()).isPresent();
        assertThat(response.body()).contains("not an OpenAI model list");
    }

    @Test
    void modelsUpstreamErrorIsMapped() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(401)
                .setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}") // synthetic, OpenAI error shape
                .build());

        RelayResponse response = relay().models();

        assertThat(response.httpStatus()).isEqualTo(401);
        assertThat(response.body()).contains("Incorrect API key provided");
    }
}
