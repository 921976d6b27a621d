package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which model the one upstream is asked for (issue 13 §0). Codex with no {@code model} set asks
 * for its own default model ({@code gpt-6.1-sol} in Codex 0.169's catalog; see
 * docs/codex-wire.md), which a Chat upstream does not serve. The fake upstream lists {@code
 * relay-test-model} and {@code my-custom-model}.
 */
class ModelFallbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Codex 0.169's default model, which no Chat upstream lists. */
    private static final String CODEX_DEFAULT = "gpt-6.1-sol";

    private final FakeUpstream upstream = new FakeUpstream();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    ModelFallbackTest() throws Exception {}

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        upstream.close();
    }

    private TestClient relay(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--upstream", upstream.baseUrl()));
        args.addAll(List.of(extraArgs));
        RelayServer server = RelayServer.start(args.toArray(String[]::new));
        toClose.add(server);
        TestClient client = new TestClient(server.baseUrl());
        toClose.add(client);
        return client;
    }

    private static String asking(String model) throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(Samples.codexPlainRequest());
        request.put("model", model);
        return request.toString();
    }

    private String upstreamModelFor(String requestBody, String... extraArgs) throws Exception {
        try (Response response = relay(extraArgs).postResponses(requestBody)) {
            assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
        }
        assertThat(upstream.chatRequests).hasSize(1);
        return JSON.readTree(upstream.chatRequests.get(0).getBody().utf8())
                .path("model")
                .asText();
    }

    @Test
    void aModelTheUpstreamDoesNotListIsSentForTheModelFlag() throws Exception {
        assertThat(upstreamModelFor(asking(CODEX_DEFAULT), "--model", "relay-test-model"))
                .isEqualTo("relay-test-model");
    }

    @Test
    void aListedModelIsSentAsAsked() throws Exception {
        assertThat(upstreamModelFor(asking("relay-test-model"), "--model", "some-other-model"))
                .isEqualTo("relay-test-model");
    }

    @Test
    void anOllamaNameWithoutItsLatestTagIsListed() throws Exception {
        upstream.modelsAnswer = new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body("{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:latest\",\"object\":\"model\"}]}")
                .build();

        assertThat(upstreamModelFor(asking("llama3.2"))).isEqualTo("llama3.2");
    }

    @Test
    void withoutTheFlagAnUnlistedModelIsA404ListingTheUpstreamsModels() throws Exception {
        JsonNode error;
        try (Response response = relay().postResponses(asking(CODEX_DEFAULT))) {
            assertThat(response.code()).isEqualTo(404);
            error = JSON.readTree(response.body().string()).path("error");
        }

        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("message").asText())
                .contains(CODEX_DEFAULT, "relay-test-model", "my-custom-model", "--model", "--config");
        assertThat(upstream.chatRequests).as("never sent upstream").isEmpty();
    }

    @Test
    void whenTheUpstreamCannotListItsModelsTheNameIsForwardedAsAsked() throws Exception {
        upstream.modelsAnswer = new MockResponse.Builder().code(404).build();

        assertThat(upstreamModelFor(asking(CODEX_DEFAULT))).isEqualTo(CODEX_DEFAULT);
    }

    @Test
    void aProfileWhoseServerAnswersUnlistedNamesForwardsThem() throws Exception {
        // llama.cpp's server lists the one model it loaded and answers any name with it.
        assertThat(upstreamModelFor(asking(CODEX_DEFAULT), "--provider", "llamacpp"))
                .isEqualTo(CODEX_DEFAULT);
    }

    @Test
    void theFlagHasAnEnvironmentVariable() {
        ServerOptions options = ServerOptions.parse(
                new String[0], java.util.Map.of("RELAY_UPSTREAM", "http://x/v1", "RELAY_MODEL", "m1"));

        assertThat(options.model()).hasValue("m1");
    }
}
