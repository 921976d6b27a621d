package dev.responsesrelay.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --model NAME} (issue 13 §0): Codex with no {@code model} set asks for its own default
 * model, which a Chat upstream does not serve; the relay sends such requests for NAME. The fake
 * upstream lists one model, {@code relay-test-model}; the real Codex request asks for {@code
 * my-custom-model}.
 */
class ModelFallbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private String upstreamModelFor(String requestBody, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--upstream", upstream.baseUrl()));
        args.addAll(List.of(extraArgs));
        RelayServer server = RelayServer.start(args.toArray(String[]::new));
        toClose.add(server);
        TestClient client = new TestClient(server.baseUrl());
        toClose.add(client);
        try (Response response = client.postResponses(requestBody)) {
            assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
        }
        assertThat(upstream.chatRequests).hasSize(1);
        return JSON.readTree(upstream.chatRequests.get(0).getBody().utf8())
                .path("model")
                .asText();
    }

    @Test
    void aModelTheUpstreamDoesNotListIsSentForTheModelFlag() throws Exception {
        assertThat(upstreamModelFor(Samples.codexPlainRequest(), "--model", "relay-test-model"))
                .isEqualTo("relay-test-model");
    }

    @Test
    void aListedModelIsSentAsAsked() throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(Samples.codexPlainRequest());
        request.put("model", "relay-test-model");

        assertThat(upstreamModelFor(request.toString(), "--model", "some-other-model"))
                .isEqualTo("relay-test-model");
    }

    @Test
    void withoutTheFlagTheModelIsSentAsAsked() throws Exception {
        assertThat(upstreamModelFor(Samples.codexPlainRequest())).isEqualTo("my-custom-model");
    }

    @Test
    void theFlagHasAnEnvironmentVariable() {
        ServerOptions options = ServerOptions.parse(
                new String[0], java.util.Map.of("RELAY_UPSTREAM", "http://x/v1", "RELAY_MODEL", "m1"));

        assertThat(options.model()).hasValue("m1");
    }
}
