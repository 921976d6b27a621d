package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a body without {@code Content-Length} ({@code Transfer-Encoding: chunked}) is admitted
 * against the memory budget as it grows, like a declared one: chunked bodies that together exceed
 * the budget get 503 with {@code Retry-After} and the OpenAI error body, where before they were
 * charged without ever waiting or being refused and could run the heap out; a lone one larger than
 * the whole budget still completes, and every charge is given back. The JDK's HttpClient sends a
 * body from {@code BodyPublishers.ofInputStream} chunked, as a client streaming its upload would.
 * The upstream's stream is synthetic, OpenAI-style chunks (docs/dialects.md §0).
 */
class ChunkedAdmissionTest {
    private static final String PREFIX = "{\"model\":\"m\",\"stream\":true,\"input\":\"";
    private static final String SUFFIX = "\"}";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final CountDownLatch releaseHolder = new CountDownLatch(1);
    private @Nullable ScriptedChatUpstream upstream;
    private @Nullable RelayServer relay;

    @AfterEach
    void stop() {
        releaseHolder.countDown();
        if (relay != null) {
            relay.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void chunkedBodiesBeyondTheBudgetAreRefusedWhileALoneOneCompletes() throws Exception {
        ScriptedChatUpstream scripted = ScriptedChatUpstream.start().models("m");
        upstream = scripted;
        scripted.replyWhenQueueEmpty(ScriptedReply.sse(List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")));
        RelayServer server = RelayServer.start(
                "--port",
                "0",
                "--upstream",
                scripted.baseUrl(),
                "--store",
                "off",
                "--memory-budget",
                "4m",
                "--body-timeout",
                "60");
        relay = server;
        URI endpoint = URI.create(server.baseUrl() + "/responses");

        // Sends 1 MiB of its body, then waits: holds at least twice that (2 MiB) of the 4 MiB.
        InputStream heldBody = new SequenceInputStream(
                new SequenceInputStream(
                        new ByteArrayInputStream(PREFIX.getBytes(StandardCharsets.US_ASCII)),
                        new ByteArrayInputStream(filler(1 << 20))),
                new SequenceInputStream(
                        new WaitingStream(releaseHolder),
                        new ByteArrayInputStream(SUFFIX.getBytes(StandardCharsets.US_ASCII))));
        CompletableFuture<HttpResponse<String>> holder = http.sendAsync(
                post(endpoint, HttpRequest.BodyPublishers.ofInputStream(() -> heldBody)),
                HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 200 && server.memoryBudget().used() < 2L << 20; i++) {
            Thread.sleep(50);
        }
        assertThat(server.memoryBudget().used()).isGreaterThanOrEqualTo(2L << 20);

        // 3 MiB more: charged at least 6 MiB by its end, which cannot fit next to the holder.
        HttpResponse<String> refused =
                http.send(post(endpoint, chunked(3 << 20)), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(refused.body()).contains("\"type\":\"server_error\"").contains("\"code\":\"server_overloaded\"");

        releaseHolder.countDown();
        HttpResponse<String> held = holder.get(60, TimeUnit.SECONDS);
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.body()).contains("event: response.completed");

        // Alone, the same 3 MiB (charged more than the whole budget) is served.
        HttpResponse<String> lone = http.send(post(endpoint, chunked(3 << 20)), HttpResponse.BodyHandlers.ofString());
        assertThat(lone.statusCode()).isEqualTo(200);
        assertThat(lone.body()).contains("event: response.completed");
        assertThat(scripted.chatRequests()).hasSize(2);

        // Every charge was given back, the refused one's included.
        for (int i = 0; i < 200 && server.memoryBudget().used() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(server.memoryBudget().used()).isZero();
    }

    private static HttpRequest post(URI endpoint, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(body)
                .build();
    }

    /** A JSON request whose input is {@code size} bytes, sent without {@code Content-Length}. */
    private static HttpRequest.BodyPublisher chunked(int size) {
        byte[] json = (PREFIX + new String(filler(size), StandardCharsets.US_ASCII) + SUFFIX)
                .getBytes(StandardCharsets.US_ASCII);
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json));
    }

    /** Bytes of a JSON string's inside, as a base64 image would be. */
    private static byte[] filler(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'A');
        return bytes;
    }

    /** Ends (no bytes) once {@code release} is counted down: the pause of a slow upload. */
    private static final class WaitingStream extends InputStream {
        private final CountDownLatch release;

        WaitingStream(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
            return -1;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return read();
        }
    }
}
