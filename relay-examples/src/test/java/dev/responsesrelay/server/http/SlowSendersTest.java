package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, slow senders: hundreds of connections that announce a 1 MB body and send a few bytes
 * must neither hold the relay's threads (its pool has 256) nor its memory budget, so normal
 * requests keep being answered; past {@code --body-timeout} each slow one gets 408 with an OpenAI
 * error body. The upstream's reply is synthetic and follows docs/dialects.md §0 (a plain Chat
 * Completions answer).
 */
class SlowSendersTest {
    /** More than the relay's 256 pool threads: with a thread per body, nobody else is answered. */
    private static final int SLOW_SENDERS = 400;

    private static final String COMPLETION = "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"still here\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}";

    private final List<Socket> sockets = new ArrayList<>();
    private @Nullable ScriptedChatUpstream upstream;
    private @Nullable RelayServer relay;

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        RelayServer started = relay;
        if (started != null) {
            started.close();
        }
        ScriptedChatUpstream scripted = upstream;
        if (scripted != null) {
            scripted.close();
        }
    }

    @Test
    void normalRequestsAreAnsweredWhileHundredsOfBodiesTrickleThenTheSlowOnesGet408() throws Exception {
        ScriptedChatUpstream upstream = ScriptedChatUpstream.start();
        this.upstream = upstream;
        upstream.replyWhenQueueEmpty(ScriptedReply.json(200, COMPLETION));
        RelayServer relay = RelayServer.start(
                "--port",
                "0",
                "--upstream",
                upstream.baseUrl(),
                "--store",
                "off",
                // Far less than the slow senders announce (400 x 1 MB, twice over): charged by what
                // they declared rather than what they sent, they would crowd everyone else out.
                "--memory-budget",
                "16m",
                // Long enough for the normal requests below, short enough for a test.
                "--body-timeout",
                "10");
        this.relay = relay;
        int port = URI.create(relay.baseUrl()).getPort();

        byte[] head = ("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{\"model\":")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < SLOW_SENDERS; i++) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(120));
            sockets.add(socket);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
        }

        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(client.sendAsync(
                    HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/responses"))
                            .header("Content-Type", "application/json")
                            // Generous: only a relay out of threads comes near it.
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":\"hi\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"status\":\"completed\"").contains("still here");
        }

        // The slow ones are still open and sending; past the body timeout each is refused.
        for (Socket socket : sockets) {
            socket.getOutputStream().write("\"m\",".getBytes(StandardCharsets.US_ASCII));
        }
        for (Socket socket : sockets) {
            String answer = readAnswer(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408 ");
            assertThat(answer)
                    .contains("\"type\":\"invalid_request_error\"")
                    .contains("\"code\":\"request_timeout\"")
                    .containsIgnoringCase("connection: close");
        }
    }

    /** Everything the relay sends until it closes the connection. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // a reset after the answer was read: the relay closed a connection with unread body
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
