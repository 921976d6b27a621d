package dev.responsesrelay.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The request benchmark translates the real Codex request it says it does. */
class RequestTranslationBenchmarkTest {
    @Test
    void benchmarkRequestIsTheSharedCodexCaptureByteForByte() throws IOException {
        String shared = System.getProperty("relay.shared.dir");
        if (shared == null) {
            throw new AssertionError("system property relay.shared.dir is not set (surefire sets it)");
        }
        Path capture =
                Path.of(shared, "data", "codex-0.169.0", "01_plain_custom_model_001_POST_v1_responses.body.json");

        assertThat(BenchRequests.codexRequest()).isEqualTo(Files.readAllBytes(capture));
    }

    @Test
    void codexRequestTranslatesToAStreamingChatRequestWithItsTools() throws IOException {
        Translation translation = new RequestTranslationBenchmark().translate();

        JsonNode chat = Json.MAPPER.readTree(translation.chatRequestJson());
        assertThat(translation.model()).isEqualTo("my-custom-model");
        assertThat(chat.path("stream").asBoolean()).isTrue();
        assertThat(chat.path("messages").size()).isGreaterThan(1);
        assertThat(chat.path("tools").size()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void treeRoundTripKeepsTheRequestIntact() throws IOException {
        String written = new RequestTranslationBenchmark().treeRoundTrip();

        assertThat(Json.MAPPER.readTree(written)).isEqualTo(Json.MAPPER.readTree(BenchRequests.codexRequest()));
    }
}
