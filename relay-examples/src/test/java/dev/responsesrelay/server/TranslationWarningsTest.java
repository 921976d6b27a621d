package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the translator drops is not silent (issue 13 §5): a request declaring OpenAI-hosted tools,
 * which a Chat Completions upstream cannot run, is served with a warning per dropped tool, logged
 * once at INFO and noted in the {@code --record} exchange.
 */
class TranslationWarningsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path recordDir;

    @Test
    void droppedHostedToolsAreLoggedOnceAndRecorded() throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(Samples.codexPlainRequest());
        ArrayNode tools = request.withArray("tools");
        tools.addObject().put("type", "web_search");
        tools.addObject().put("type", "file_search");
        request.withArray("input")
                .addObject()
                .put("type", "message")
                .put("role", "user")
                .put("content", "private-words-in-the-conversation");
        List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("dev.responsesrelay.server.translation");
        logger.addHandler(capture);
        try (FakeUpstream upstream = new FakeUpstream();
                RelayServer server = RelayServer.start(
                        "--port", "0", "--upstream", upstream.baseUrl(), "--record", recordDir.toString());
                TestClient client = new TestClient(server.baseUrl())) {
            try (Response response = client.postResponses(request.toString())) {
                assertThat(TestClient.types(TestClient.readEvents(response))).endsWith("response.completed");
            }
        } finally {
            logger.removeHandler(capture);
        }

        List<String> messages = logged.stream()
                .filter(r -> r.getLevel().equals(Level.INFO))
                .map(r -> r.getMessage())
                .toList();
        // The real Codex request already declares web_search; the test adds a second one and file_search.
        assertThat(messages).doesNotHaveDuplicates();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("POST /v1/responses", "dropped tool web_search"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("dropped tool file_search"));
        assertThat(String.join("\n", messages))
                .as("no conversation content in the log")
                .doesNotContain("private-words");
        Path exchange;
        try (Stream<Path> dirs = Files.list(recordDir)) {
            exchange = dirs.findFirst().orElseThrow();
        }
        JsonNode notes =
                JSON.readTree(exchange.resolve("exchange.json").toFile()).path("notes");
        assertThat(notes).hasSize(messages.size());
        assertThat(notes.get(0).asText()).startsWith("translation warning: dropped tool");
    }
}
