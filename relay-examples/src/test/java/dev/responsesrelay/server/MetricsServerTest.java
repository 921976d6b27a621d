package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.http.AccessLog;
import dev.responsesrelay.server.http.MeasuredExchange;
import dev.responsesrelay.server.http.RequestBodies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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

        // The request is counted a moment before its tokens (ResponsesWebSocket.count): wait for both.
        assertThat(client.scrapeMetricsWhenSettled(List.of(
                        "relay_websocket_connections 1.0",
                        "route=\"websocket /v1/responses\"",
                        "relay_tokens_total{kind=\"input\"")))
                .contains("relay_websocket_connections 1.0")
                .contains("relay_requests_total{direction=\"responses\",model=\"m\",route=\"websocket /v1/responses\","
                        + "status=\"200\"} 1.0")
                .contains("relay_tokens_total{kind=\"input\",model=\"m\"} 12.0");

        socket.close(1000, "done");
        assertThat(client.scrapeMetricsWhenSettled(List.of("relay_websocket_connections 0.0")))
                .contains("relay_websocket_connections 0.0");
    }

    /**
     * Issue 18: the admission handler's refusals (408 body timeout, 413 body too large, 503 memory
     * budget) are answered before the API handler sees the request; each still gets exactly one
     * access-log line and one count (so does a client gone while sending its body, with status 0:
     * nothing was sent), and a request admitted and answered by the API handler is not counted
     * twice. Raw sockets, so the test controls exactly what of a body is sent and when.
     */
    @Test
    void refusalsInFrontOfTheApiAreLoggedAndCountedOnceEach() throws Exception {
        List<MeasuredExchange> measured = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        accessLogger.addHandler(capture);
        // 4 MiB of budget; a body gets 5 s: longer than the 2 s a request waits for room.
        try (RelayServer admitting = RelayServer.start(
                        "--port",
                        "0",
                        "--upstream",
                        upstream.baseUrl(),
                        "--store",
                        "off",
                        "--memory-budget",
                        "4m",
                        "--body-timeout",
                        "5");
                TestClient admittingClient = new TestClient(admitting.baseUrl());
                // Announces 3 MiB and sends 100 KiB (past the 64 KiB after which the announced
                // length is charged, twice over: 6 MiB), then nothing: holds the budget until its
                // body times out.
                Socket slow = new Socket(InetAddress.getLoopbackAddress(), admitting.port())) {
            admitting.accessLog().listen(measured::add);
            slow.setSoTimeout(60_000);
            OutputStream slowOut = slow.getOutputStream();
            slowOut.write(head(admitting.port(), "refused-408", "Content-Length: " + 3 * 1024 * 1024));
            slowOut.write(filler(100 * 1024));
            slowOut.flush();
            awaitCharged(admitting);

            // 1 MiB, charged 2 MiB: does not fit next to the slow one, refused after the wait.
            String overloaded;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), admitting.port())) {
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write(head(admitting.port(), "refused-503", "Content-Length: " + (1 << 20)));
                socket.getOutputStream().write(filler(1 << 20));
                socket.getOutputStream().flush();
                overloaded = readAll(socket.getInputStream());
            }
            assertThat(overloaded)
                    .startsWith("HTTP/1.1 503")
                    .containsIgnoringCase("x-request-id: refused-503")
                    .containsIgnoringCase("retry-after: 1")
                    .contains("\"code\":\"server_overloaded\"");

            assertThat(readAll(slow.getInputStream()))
                    .startsWith("HTTP/1.1 408")
                    .containsIgnoringCase("x-request-id: refused-408")
                    .contains("\"code\":\"request_timeout\"");

            // Chunked (no Content-Length), alone, and larger than the body limit: 413.
            String tooLarge;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), admitting.port())) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(head(admitting.port(), "refused-413", "Transfer-Encoding: chunked"));
                byte[] chunk = filler(1 << 20);
                byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                for (long sent = 0; sent <= RequestBodies.MAX_BODY_BYTES; sent += chunk.length) {
                    out.write(size);
                    out.write(chunk);
                    out.write(CRLF);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                tooLarge = readAll(socket.getInputStream());
            }
            assertThat(tooLarge)
                    .startsWith("HTTP/1.1 413")
                    .containsIgnoringCase("x-request-id: refused-413")
                    .contains("\"code\":\"request_too_large\"");

            // Gone while sending its body: nobody to answer, but a line and a count with status 0.
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), admitting.port())) {
                socket.getOutputStream().write(head(admitting.port(), "gone-0", "Content-Length: " + (1 << 20)));
                socket.getOutputStream().write(filler(100 * 1024));
                socket.getOutputStream().flush();
            }

            // Admitted and answered by the API handler: counted once, not once more in front of it.
            upstream.enqueue(answerWithUsage());
            try (Response response = admittingClient.postResponses(
                    "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}", "x-request-id", "admitted-200")) {
                assertThat(response.code()).isEqualTo(200);
                TestClient.readEvents(response);
            }

            String metrics = admittingClient.scrapeMetricsWhenSettled(
                    List.of("status=\"0\"", "status=\"408\"", "status=\"413\"", "status=\"503\"", "status=\"200\""));
            assertThat(metrics)
                    .contains(requestsTotal("", 0) + " 1.0")
                    .contains(requestsTotal("", 408) + " 1.0")
                    .contains(requestsTotal("", 413) + " 1.0")
                    .contains(requestsTotal("", 503) + " 1.0")
                    .contains(requestsTotal("m", 200) + " 1.0")
                    .contains("relay_request_duration_seconds_count{model=\"\",route=\"/v1/responses\"} 4")
                    .contains("relay_request_duration_seconds_count{model=\"m\",route=\"/v1/responses\"} 1");
            assertThat(metrics.lines().filter(line -> line.startsWith("relay_requests_total{")))
                    .hasSize(5);

            for (int attempt = 0; attempt < 100 && measured.size() < 5; attempt++) {
                Thread.sleep(50);
            }
            assertThat(measured.stream().filter(exchange -> exchange.route().startsWith("POST ")))
                    .extracting(MeasuredExchange::requestId, MeasuredExchange::route, MeasuredExchange::status)
                    .containsExactlyInAnyOrder(
                            tuple("refused-408", "POST /v1/responses", 408),
                            tuple("refused-503", "POST /v1/responses", 503),
                            tuple("refused-413", "POST /v1/responses", 413),
                            tuple("gone-0", "POST /v1/responses", 0),
                            tuple("admitted-200", "POST /v1/responses", 200));
            assertThat(oneLine(lines, "refused-408"))
                    .startsWith("access request_id=refused-408 route=\"POST /v1/responses\" status=408 ")
                    .contains(" reason=\"the request body did not arrive within 5.0 s (--body-timeout)");
            assertThat(oneLine(lines, "refused-503"))
                    .startsWith("access request_id=refused-503 route=\"POST /v1/responses\" status=503 ")
                    .contains(" reason=\"the relay is at its memory budget (4 MiB");
            assertThat(oneLine(lines, "refused-413"))
                    .startsWith("access request_id=refused-413 route=\"POST /v1/responses\" status=413 ")
                    .contains(" reason=\"the request body is larger than 64 MiB\"");
            assertThat(oneLine(lines, "gone-0"))
                    .startsWith("access request_id=gone-0 route=\"POST /v1/responses\" status=0 ")
                    .contains(" reason=\"connection failed: ");
            assertThat(oneLine(lines, "admitted-200"))
                    .startsWith("access request_id=admitted-200 route=\"POST /v1/responses\" model=m ");
        } finally {
            accessLogger.removeHandler(capture);
        }
    }

    /** Held here: the log manager keeps loggers only weakly (FirstHourServerTest says more). */
    private final Logger accessLogger = Logger.getLogger(AccessLog.LOGGER_NAME);

    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * Issue 18 and 13 §1: a request the Host/Origin guard refuses (a web page driving a local relay)
     * gets its access-log line and its count, like the admission handler's refusals, besides the
     * guard's warning.
     */
    @Test
    void aRefusalOfTheHostAndOriginGuardIsLoggedAndCounted() throws Exception {
        List<MeasuredExchange> measured = new CopyOnWriteArrayList<>();
        try (RelayServer guarded =
                        RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--store", "off");
                TestClient guardedClient = new TestClient(guarded.baseUrl())) {
            guarded.accessLog().listen(measured::add);
            String refused;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), guarded.port())) {
                socket.setSoTimeout(60_000);
                socket.getOutputStream()
                        .write(head(
                                guarded.port(),
                                "refused-403",
                                "Origin: https://attacker.example\r\nContent-Length: 2"));
                socket.getOutputStream().write("{}".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                refused = readAll(socket.getInputStream());
            }
            assertThat(refused).startsWith("HTTP/1.1 403").containsIgnoringCase("x-request-id: refused-403");

            String metrics = guardedClient.scrapeMetricsWhenSettled(List.of("status=\"403\""));
            assertThat(metrics).contains(requestsTotal("", 403) + " 1.0");
            for (int attempt = 0; attempt < 100 && measured.isEmpty(); attempt++) {
                Thread.sleep(50);
            }
            assertThat(measured)
                    .extracting(MeasuredExchange::requestId, MeasuredExchange::route, MeasuredExchange::status)
                    .contains(tuple("refused-403", "POST /v1/responses", 403));
        }
    }

    private static String requestsTotal(String model, int status) {
        return "relay_requests_total{direction=\"responses\",model=\"" + model + "\",route=\"/v1/responses\",status=\""
                + status + "\"}";
    }

    /** The one access line of {@code requestId}; fails if there is none or more than one. */
    private static String oneLine(List<String> lines, String requestId) {
        List<String> found = lines.stream()
                .filter(line -> line.startsWith("access request_id=" + requestId + " "))
                .toList();
        assertThat(found).as("access lines of " + requestId).hasSize(1);
        return found.get(0);
    }

    /** Waits until the slow body's announced length is charged to the budget (at most 10 s). */
    private static void awaitCharged(RelayServer relay) throws InterruptedException {
        for (int attempt = 0; attempt < 200 && relay.memoryBudget().used() < 6L * 1024 * 1024; attempt++) {
            Thread.sleep(50);
        }
        assertThat(relay.memoryBudget().used()).isEqualTo(6L * 1024 * 1024);
    }

    private static byte[] head(int port, String requestId, String framing) {
        return ("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                        + "x-request-id: " + requestId + "\r\n" + framing + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes of a JSON string's inside, as a base64 image would be; never a whole JSON body. */
    private static byte[] filler(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'A');
        return bytes;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
