package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseItem;
import dev.responsesrelay.SseEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 through the relay server: previous_response_id and item_reference over HTTP, the
 * stored-response endpoints through openai-java's own helpers, client scopes, a restart on SQLite,
 * and store:false leaving nothing on disk. The upstream is {@link FakeUpstream}; the non-streamed
 * Chat answer below is synthetic, in the Chat Completions shape of the recorded samples.
 */
class ConversationStateServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Synthetic Chat Completions answer (the shape of dialects/openai-nonstream-*.json). */
    private static final String PLAIN_COMPLETION = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
            + "\"created\":1,\"model\":\"relay-test-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"The answer is 4.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}";

    /** Synthetic Chat Completions stream (the chunk shape of dialects/openai-stream-*.sse). */
    static final String PLAIN_STREAM = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"relay-test-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"Hello from the stream.\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"relay-test-model\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
            + "\"completion_tokens\":4,\"total_tokens\":7}}\n\ndata: [DONE]\n\n";

    @TempDir
    Path dir;

    private FakeUpstream upstream;
    private final List<RelayServer> servers = new ArrayList<>();

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = new FakeUpstream();
        upstream.handler = request -> {
            boolean streams = request.getBody().utf8().contains("\"stream\":true");
            return streams
                    ? FakeUpstream.eventStream(ConversationStateServerTest.PLAIN_STREAM)
                    : new MockResponse.Builder()
                            .setHeader("Content-Type", "application/json")
                            .body(PLAIN_COMPLETION)
                            .build();
        };
    }

    @AfterEach
    void stop() {
        servers.forEach(RelayServer::close);
        upstream.close();
    }

    private RelayServer relay(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--upstream", upstream.baseUrl()));
        args.addAll(List.of(extra));
        RelayServer server = RelayServer.start(args.toArray(String[]::new));
        servers.add(server);
        return server;
    }

    @Test
    void aStreamedSecondTurnCarriesTheFirstTurnUpstream() throws Exception {
        RelayServer relay = relay("--store", "memory");
        try (TestClient client = new TestClient(relay.baseUrl())) {
            String first = streamedTurn(client, "{\"model\":\"relay-test-model\",\"stream\":true,\"input\":\"hi\"}");
            streamedTurn(
                    client,
                    "{\"model\":\"relay-test-model\",\"stream\":true,\"previous_response_id\":\"" + first
                            + "\",\"input\":\"again\"}");
        }

        JsonNode messages =
                JSON.readTree(upstream.chatRequests.get(1).getBody().utf8()).get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("content").toString()).contains("hi");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).get("content").asText()).isNotBlank();
        assertThat(messages.get(2).get("content").toString()).contains("again");
    }

    @Test
    void openAiJavaRetrievesListsAndDeletesStoredResponses() throws Exception {
        RelayServer relay = relay("--store", "sqlite:" + dir.resolve("responses.db"));
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(relay.baseUrl())
                .apiKey("key-a")
                .maxRetries(0)
                .build();
        try {
            com.openai.models.responses.Response first = client.responses()
                    .create(ResponseCreateParams.builder()
                            .model("relay-test-model")
                            .input("what is 2+2?")
                            .build());
            com.openai.models.responses.Response second = client.responses()
                    .create(ResponseCreateParams.builder()
                            .model("relay-test-model")
                            .input("and 3+3?")
                            .previousResponseId(first.id())
                            .build());

            com.openai.models.responses.Response retrieved = client.responses().retrieve(second.id());
            assertThat(retrieved.id()).isEqualTo(second.id());
            assertThat(retrieved.previousResponseId()).contains(first.id());
            assertThat(retrieved.output()).hasSize(1);

            List<String> texts = new ArrayList<>();
            for (ResponseItem item :
                    client.responses().inputItems().list(second.id()).autoPager()) {
                texts.add(item.asResponseInputMessageItem()
                        .content()
                        .get(0)
                        .asInputText()
                        .text());
            }
            assertThat(texts).containsExactly("and 3+3?");
            JsonNode upstreamTurn2 =
                    JSON.readTree(upstream.chatRequests.get(1).getBody().utf8());
            assertThat(upstreamTurn2.get("messages").toString())
                    .contains("what is 2+2?", "The answer is 4.", "and 3+3?");

            client.responses().delete(first.id());
            assertThatThrownBy(() -> client.responses().retrieve(first.id())).isInstanceOf(NotFoundException.class);
            // The later response stays, but its chain now has a hole: refused, never cut short.
            try (TestClient raw = new TestClient(relay.baseUrl());
                    Response answer = raw.postResponses(
                            "{\"model\":\"relay-test-model\",\"previous_response_id\":\"" + second.id()
                                    + "\",\"input\":\"x\"}",
                            "Authorization",
                            "Bearer key-a")) {
                assertThat(answer.code()).isEqualTo(400);
                assertThat(answer.body().string()).contains("previous_response_not_found");
            }
        } finally {
            client.close();
        }
    }

    @Test
    void aResponseIsVisibleOnlyToTheKeyThatCreatedIt() throws Exception {
        RelayServer relay = relay(
                "--store", "memory", "--api-key", "upstream-key", "--require-key", "key-a", "--require-key", "key-b");
        try (TestClient client = new TestClient(relay.baseUrl())) {
            String id;
            try (Response created = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"input\":\"hi\"}", "Authorization", "Bearer key-a")) {
                assertThat(created.code()).isEqualTo(200);
                id = JSON.readTree(created.body().string()).get("id").asText();
            }
            try (Response own = get(client, relay.baseUrl() + "/responses/" + id, "key-a")) {
                assertThat(own.code()).isEqualTo(200);
            }
            try (Response other = get(client, relay.baseUrl() + "/responses/" + id, "key-b")) {
                assertThat(other.code()).isEqualTo(404);
            }
            try (Response other = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"previous_response_id\":\"" + id + "\",\"input\":\"x\"}",
                    "Authorization",
                    "Bearer key-b")) {
                assertThat(other.code()).isEqualTo(400);
                JsonNode error = JSON.readTree(other.body().string()).get("error");
                assertThat(error.get("code").asText()).isEqualTo("previous_response_not_found");
                assertThat(error.get("param").asText()).isEqualTo("previous_response_id");
            }
            try (Response unresolved = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_nope\"}]}",
                    "Authorization",
                    "Bearer key-a")) {
                assertThat(unresolved.code()).isEqualTo(400);
                assertThat(JSON.readTree(unresolved.body().string())
                                .at("/error/param")
                                .asText())
                        .isEqualTo("/input/0");
            }
        }
    }

    @Test
    void aChainSurvivesARestartOnSqlite() throws Exception {
        String store = "sqlite:" + dir.resolve("restart.db");
        RelayServer first = relay("--store", store);
        String id;
        try (TestClient client = new TestClient(first.baseUrl());
                Response created = client.postResponses("{\"model\":\"relay-test-model\",\"input\":\"remember 7\"}")) {
            id = JSON.readTree(created.body().string()).get("id").asText();
        }
        first.close();

        RelayServer second = relay("--store", store);
        try (TestClient client = new TestClient(second.baseUrl());
                Response next = client.postResponses("{\"model\":\"relay-test-model\",\"previous_response_id\":\"" + id
                        + "\",\"input\":\"which number?\"}")) {
            assertThat(next.code()).isEqualTo(200);
        }
        assertThat(upstream.chatRequests.get(1).getBody().utf8()).contains("remember 7", "The answer is 4.");
    }

    @Test
    void storeFalseLeavesNothingOnDisk() throws Exception {
        Path file = dir.resolve("nothing.db");
        RelayServer relay = relay("--store", "sqlite:" + file);
        try (TestClient client = new TestClient(relay.baseUrl())) {
            streamedTurn(
                    client, "{\"model\":\"relay-test-model\",\"stream\":true,\"store\":false,\"input\":\"secret\"}");
            try (Response r =
                    client.postResponses("{\"model\":\"relay-test-model\",\"store\":false,\"input\":\"secret too\"}")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        relay.close();

        assertThat(Files.exists(file)).isTrue();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            for (String table : List.of("relay_responses", "relay_items")) {
                try (ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rows.next();
                    assertThat(rows.getInt(1)).as(table).isZero();
                }
            }
        }
        assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("secret");
    }

    @Test
    void withTheStoreOffStateIsRefusedAndNothingIsServed() throws Exception {
        RelayServer relay = relay("--store", "off");
        try (TestClient client = new TestClient(relay.baseUrl())) {
            try (Response r = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"previous_response_id\":\"resp_1\",\"input\":\"x\"}")) {
                assertThat(r.code()).isEqualTo(400);
            }
            try (Response r = client.postResponses(
                    "{\"model\":\"relay-test-model\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}")) {
                assertThat(r.code()).isEqualTo(400);
                assertThat(r.body().string()).contains("item_reference");
            }
            try (Response r = get(client, relay.baseUrl() + "/responses/resp_1", "k")) {
                assertThat(r.code()).isEqualTo(404);
            }
        }
    }

    private static Response get(TestClient client, String url, String key) throws Exception {
        return client.send(new Request.Builder()
                .url(url)
                .header("Authorization", "Bearer " + key)
                .build());
    }

    /** Posts a streamed turn, checks it completed, and returns the response id. */
    private static String streamedTurn(TestClient client, String body) throws Exception {
        try (Response response = client.postResponses(body)) {
            assertThat(response.code()).isEqualTo(200);
            List<SseEvent> events = TestClient.readEvents(response);
            SseEvent last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("response.completed");
            return JSON.readTree(last.data()).at("/response/id").asText();
        }
    }
}
