package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
}
