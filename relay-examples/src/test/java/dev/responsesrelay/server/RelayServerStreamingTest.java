package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayServerStreamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Synthetic text chunk, shaped after the OpenAI sample openai-stream-basic-gomodel.sse. */
    private static final String TEXT_CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},"
            + "\"finish_reason\":null}]}\n\n";

    private final FakeUpstream upstream = new FakeUpstream();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    RelayServerStreamingTest() throws Exception {}

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

    @Test
    void streamsTheUpstreamAnswerAsServerSentEvents() throws Exception {
        RelayServer server = start();

        try (Response response = client(server).postResponses(Samples.codexPlainRequest())) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(response.header("Content-Encoding")).isNull();
            List<SseEvent> events = TestClient.readEvents(response);
            assertThat(TestClient.types(events))
                    .startsWith("response.created", "response.in_progress")
                    .contains("response.output_text.delta")
                    .endsWith("response.completed");
            // docs/codex-wire.md §2.1: Codex reads data.type; every event's data must carry it.
            for (SseEvent event : events) {
                assertThat(JSON.readTree(event.data()).path("type").asText()).isEqualTo(event.event());
            }
        }
        assertThat(upstream.chatRequests).hasSize(1);
        assertThat(upstream.chatRequests.get(0).getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void earlyRateLimitKeepsHttp429AndRetryAfter() throws Exception {
        upstream.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/json")
                .setHeader("Retry-After", "7")
                .body(Samples.data("dialects/openai-error-429-request-too-large.json"))
                .build());
        RelayServer server = start();

        try (Response response = client(server).postResponses(Samples.codexPlainRequest())) {
            // docs/codex-wire.md §2.3: Codex retries an HTTP 429 after Retry-After; a 200 stream with
            // response.failed would be retried on its own schedule instead.
            assertThat(response.code()).isEqualTo(429);
            assertThat(response.header("Retry-After")).isEqualTo("7");
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(JSON.readTree(response.body().string())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("rate_limit_exceeded");
        }
    }

    @Test
    void earlyBadRequestKeepsHttp400() throws Exception {
        upstream.enqueue(
                FakeUpstream.jsonError(400, Samples.data("dialects/openai-error-context-length-exceeded.json")));
        RelayServer server = start();

        try (Response response = client(server).postResponses(Samples.codexPlainRequest())) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(JSON.readTree(response.body().string())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("context_length_exceeded");
        }
    }

    @Test
    void unreachableUpstreamIsAJsonServerError() throws Exception {
        RelayServer server = RelayServer.start("--port", "0", "--upstream", "http://127.0.0.1:1/v1");
        toClose.add(server);

        try (Response response = client(server).postResponses(Samples.codexPlainRequest())) {
            assertThat(response.code()).isBetween(500, 599);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(JSON.readTree(response.body().string())
                            .path("error")
                            .path("message")
                            .asText())
                    .isNotEmpty();
        }
        try (Response response = client(server).postResponses(Samples.codexPlainRequestNotStreamed())) {
            assertThat(response.code()).isBetween(500, 599);
            assertThat(JSON.readTree(response.body().string())
                            .path("error")
                            .path("type")
                            .asText())
                    .isNotEmpty();
        }
    }

    @Test
    void slowUpstreamStillGivesTheClientBytesAtOnce() throws Exception {
        // The upstream's headers come 20 s late; the client must not wait for them.
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(Samples.openAiPlainStream())
                .headersDelay(20, TimeUnit.SECONDS)
                .build());
        RelayServer server = start();

        long started = System.nanoTime();
        try (Response response = client(server).postResponses(Samples.codexPlainRequest())) {
            assertThat(response.code()).isEqualTo(200);
            InputStream in = response.body().byteStream();
            SseDecoder decoder = SseDecoder.create();
            List<SseEvent> first = TestClient.readUntil(in, decoder, "response.created");
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(TestClient.types(first)).containsExactly("response.created");
            assertThat(waited).as("time to response.created").isLessThan(Duration.ofSeconds(5));

            // While the upstream stays silent, keep-alive comments keep coming.
            byte[] buffer = new byte[256];
            StringBuilder raw = new StringBuilder();
            while (!raw.toString().contains(": keep-alive")) {
                int n = in.read(buffer);
                assertThat(n).isPositive();
                raw.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void failureAfterStreamingBeganIsResponseFailed() throws Exception {
        // 200 with an event stream, then a chunk with a top-level error object (docs/dialects.md §0,
        // "Mid-stream error"; synthetic, OpenAI error shape).
        upstream.enqueue(FakeUpstream.eventStream(TEXT_CHUNK
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"));
        RelayServer server = start();

        try (Response response = client(server).postResponses(Samples.codexPlainRequest())) {
            assertThat(response.code()).isEqualTo(200);
            List<String> types = TestClient.types(TestClient.readEvents(response));
            assertThat(types).contains("response.output_text.delta").endsWith("response.failed");
        }
    }

    @Test
    void clientHangingUpMidStreamCancelsTheUpstream() throws Exception {
        FakeUpstream.EndlessBody body = new FakeUpstream.EndlessBody(TEXT_CHUNK, TEXT_CHUNK, Duration.ofMillis(50));
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        RelayServer server = start();

        Response response = client(server).postResponses(Samples.codexPlainRequest());
        TestClient.readUntil(response.body().byteStream(), SseDecoder.create(), "response.output_text.delta");
        response.close(); // hang up

        try {
            assertThat(body.sawDisconnect.await(2, TimeUnit.SECONDS))
                    .as("the upstream connection was closed within 2 s of the hang-up")
                    .isTrue();
        } finally {
            body.release();
        }
    }

    @Test
    void clientHangingUpWhileUpstreamIsSilentCancelsTheUpstream() throws Exception {
        // The upstream only sends SSE comments: nothing reaches the client but keep-alives, so only
        // a failing keep-alive can reveal the hang-up.
        FakeUpstream.EndlessBody body =
                new FakeUpstream.EndlessBody(TEXT_CHUNK, ": upstream thinking\n\n", Duration.ofMillis(50));
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        RelayServer server = start();

        Response response = client(server).postResponses(Samples.codexPlainRequest());
        TestClient.readUntil(response.body().byteStream(), SseDecoder.create(), "response.output_text.delta");
        response.close(); // hang up while the upstream says nothing the client would see

        try {
            assertThat(body.sawDisconnect.await(2, TimeUnit.SECONDS))
                    .as("the upstream connection was closed within 2 s of the hang-up")
                    .isTrue();
        } finally {
            body.release();
        }
    }

    @Test
    void sixtyFourStreamsOverlapAtTheUpstream() throws Exception {
        int streams = 64;
        CountDownLatch allArrived = new CountDownLatch(streams);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        upstream.handler = request -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            allArrived.countDown();
            try {
                // Hold every request until all 64 are in flight at once: only a relay that
                // overlaps them fully gets past this.
                allArrived.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return FakeUpstream.eventStream(Samples.openAiPlainStream());
        };
        RelayServer server = start();
        TestClient client = client(server);

        ExecutorService clients = Executors.newFixedThreadPool(streams);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                results.add(clients.submit(() -> {
                    try (Response response = client.postResponses(Samples.codexPlainRequest())) {
                        return TestClient.types(TestClient.readEvents(response));
                    }
                }));
            }
            for (Future<List<String>> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).endsWith("response.completed");
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(maxInFlight).hasValue(streams);
        assertThat(upstream.chatRequests).hasSize(streams);
    }

    @Test
    void closeLetsAnOpenStreamFinish() throws Exception {
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(Samples.openAiPlainStream())
                .bodyDelay(1500, TimeUnit.MILLISECONDS)
                .build());
        RelayServer server = start();
        TestClient client = client(server);
        CompletableFuture<List<String>> events = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (Response response = client.postResponses(Samples.codexPlainRequest())) {
                events.complete(TestClient.types(TestClient.readEvents(response)));
            } catch (Exception e) {
                events.completeExceptionally(e);
            }
        });
        reader.start();
        while (upstream.chatRequests.isEmpty()) {
            Thread.sleep(10);
        }

        server.close(); // as on SIGTERM: the stream in flight gets a grace period

        assertThat(events.get(10, TimeUnit.SECONDS)).endsWith("response.completed");
    }
}
