package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, operations: what one relay with one upstream exports at {@code GET /metrics} after real
 * exchanges over HTTP and WebSocket (docs/OPERATIONS.md, "Metrics"). The upstream's stream is
 * synthetic, OpenAI-style chunks with a usage chunk (docs/dialects.md §0).
 */
class MetricsServerTest {
    private ScriptedChatUpstream upstream;
    private RelayServer relay;
    private TestClient client;
    private final OkHttpClient webSockets = new OkHttpClient();

    @BeforeEach
    void start() throws Exception {
        upstream = ScriptedChatUpstream.start().models("m");
        relay = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl());
        client = new TestClient(relay.baseUrl());
    }

    @AfterEach
    void stop() {
        webSockets.dispatcher().executorService().shutdownNow();
        client.close();
        relay.close();
        upstream.close();
    }

    @Test
    void aStreamedAnswerFillsTheTimingsAndTokenCountsOfItsModel() throws Exception {
        upstream.enqueue(answerWithUsage());

        try (Response response = client.postResponses("{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}")) {
            assertThat(response.code()).isEqualTo(200);
            TestClient.readEvents(response);
        }

        String metrics = client.scrapeMetricsWhenSettled(List.of("relay_request_duration_seconds_count{model=\"m\""));
        assertThat(metrics)
                .contains("relay_request_duration_seconds_count{model=\"m\",route=\"/v1/responses\"} 1")
                .contains("relay_first_byte_seconds_count{model=\"m\",route=\"/v1/responses\"} 1")
                .contains("relay_upstream_first_byte_seconds_count{model=\"m\",route=\"/v1/responses\"} 1")
                .contains("relay_tokens_total{kind=\"input\",model=\"m\"} 12.0")
                .contains("relay_tokens_total{kind=\"cached\",model=\"m\"} 4.0")
                .contains("relay_tokens_total{kind=\"output\",model=\"m\"} 5.0")
                .contains("relay_tokens_total{kind=\"reasoning\",model=\"m\"} 2.0");
    }

    @Test
    void openWebSocketsAndTheirExchangesAreCounted() throws Exception {
        upstream.enqueue(answerWithUsage());
        CountDownLatch completed = new CountDownLatch(1);
        WebSocket socket = webSockets.newWebSocket(
                new Request.Builder()
                        .url(relay.baseUrl().replace("http://", "ws://") + "/responses")
                        .build(),
                new WebSocketListener() {
                    @Override
                    public void onMessage(WebSocket webSocket, String text) {
                        if (text.contains("\"type\":\"response.completed\"")) {
                            completed.countDown();
                        }
                    }
                });
        socket.send("{\"type\":\"response.create\",\"model\":\"m\",\"input\":\"hi\"}");
        assertThat(completed.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(client.scrapeMetricsWhenSettled(
                        List.of("relay_websocket_connections 1.0", "route=\"websocket /v1/responses\"")))
                .contains("relay_websocket_connections 1.0")
                .contains("relay_requests_total{direction=\"responses\",model=\"m\",route=\"websocket /v1/responses\","
                        + "status=\"200\"} 1.0")
                .contains("relay_tokens_total{kind=\"input\",model=\"m\"} 12.0");

        socket.close(1000, "done");
        assertThat(client.scrapeMetricsWhenSettled(List.of("relay_websocket_connections 0.0")))
                .contains("relay_websocket_connections 0.0");
    }

    private static ScriptedReply answerWithUsage() {
        return ScriptedReply.sse(List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hello\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}"));
    }
}
