package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordModeTest {
    @TempDir
    Path recordDir;

    @Test
    void recordsEachExchangeWithoutKeys() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
                RelayServer server = RelayServer.start(
                        "--port", "0",
                        "--upstream", upstream.baseUrl(),
                        "--api-key", "sk-upstream-secret-123",
                        "--require-key", "relay-client-secret-456",
                        "--record", recordDir.toString());
                TestClient client = new TestClient(server.baseUrl())) {
            try (Response response = client.postResponses(
                    Samples.codexPlainRequest(), "Authorization", "Bearer relay-client-secret-456")) {
                assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
            }
        }

        List<Path> exchanges;
        try (Stream<Path> dirs = Files.list(recordDir)) {
            exchanges = dirs.toList();
        }
        assertThat(exchanges).hasSize(1);
        Path exchange = exchanges.get(0);
        assertThat(exchange.getFileName().toString()).matches("\\d{8}T\\d{6}\\.\\d{3}Z-1");
        assertThat(Files.readString(exchange.resolve("request.responses.json"))).isEqualTo(Samples.codexPlainRequest());
        assertThat(exchange.resolve("request.headers.json")).exists();
        assertThat(Files.readString(exchange.resolve("request.chat.json"))).contains("\"model\"");
        assertThat(Files.readString(exchange.resolve("upstream.chat.sse"))).isEqualTo(Samples.openAiPlainStream());
        assertThat(Files.readString(exchange.resolve("response.responses.sse")))
                .contains("event: response.created", "event: response.completed");
        assertThat(Files.readString(exchange.resolve("exchange.json"))).contains("\"upstream_status\" : 200");

        try (Stream<Path> files = Files.walk(exchange)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                assertThat(content)
                        .as("%s holds no key", file.getFileName())
                        .doesNotContain("sk-upstream-secret-123", "relay-client-secret-456")
                        .doesNotContainIgnoringCase("\"authorization\"");
            }
        }
    }

    /**
     * Issue 18: a non-streamed answer is bounded like a stream ({@code --max-output-chars}). One past
     * the bound in chars ends {@code incomplete}, as a stream does; one past what an answer within
     * the bound can take in bytes ({@code Translation.maxCompletionBytes()}: 3 per char plus 1 MiB)
     * is refused with a clear error before it is held, and its recording holds no more of it than
     * was read. The completions are synthetic, in OpenAI's chat.completion shape (docs/dialects.md
     * §0).
     */
    @Test
    void aNonStreamedAnswerPastTheOutputBoundIsNeitherHeldNorRecordedWhole() throws Exception {
        int bound = 1024;
        long limit = bound * 3L + (1 << 20);
        String runaway = "loop ".repeat(600_000); // 3 MB: past the byte limit of this bound
        try (FakeUpstream upstream = new FakeUpstream();
                RelayServer server = RelayServer.start(
                        "--port", "0",
                        "--upstream", upstream.baseUrl(),
                        "--store", "off",
                        "--max-output-chars", String.valueOf(bound),
                        "--record", recordDir.toString());
                TestClient client = new TestClient(server.baseUrl())) {
            upstream.enqueue(completion("loop ".repeat(300)));
            upstream.enqueue(completion(runaway));
            String request = "{\"model\":\"relay-test-model\",\"input\":\"go\",\"stream\":false}";

            JsonNode overTheBound;
            try (Response response = client.postResponses(request)) {
                assertThat(response.code()).isEqualTo(200);
                overTheBound = JSON.readTree(response.body().string());
            }
            String refused;
            int refusedStatus;
            try (Response response = client.postResponses(request)) {
                refusedStatus = response.code();
                refused = response.body().string();
            }

            assertThat(overTheBound.path("status").asText()).isEqualTo("incomplete");
            assertThat(overTheBound.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
            assertThat(refusedStatus).as(refused).isEqualTo(502);
            assertThat(JSON.readTree(refused).at("/error/message").asText())
                    .contains("larger than " + limit + " bytes", "--max-output-chars", "stream:true");
        }

        List<Path> exchanges;
        try (Stream<Path> dirs = Files.list(recordDir)) {
            exchanges = dirs.sorted(Comparator.comparing((Path dir) ->
                            Long.parseLong(dir.getFileName().toString().replaceFirst(".*-", ""))))
                    .toList();
        }
        assertThat(exchanges).hasSize(2);
        Path runawayExchange = exchanges.get(1);
        // It announced its length, so none of it was read; read, it would have been cut at the limit.
        Path upstreamBody = runawayExchange.resolve("upstream.chat.json");
        assertThat(Files.exists(upstreamBody) ? Files.size(upstreamBody) : 0)
                .as("what was read of the runaway answer, not all of it")
                .isLessThanOrEqualTo(limit + 16 * 1024);
        assertThat(Files.readString(runawayExchange.resolve("response.responses.json")))
                .contains("--max-output-chars");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static MockResponse completion(String content) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body("{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\",\"created\":1,"
                        + "\"model\":\"relay-test-model\",\"choices\":[{\"index\":0,\"message\":"
                        + "{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}]}")
                .build();
    }
}
