package dev.responsesrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.Translation;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The request benchmark translates the real Codex request it says it does. */
class RequestTranslationBenchmarkTest {
    @Test
    void benchmarkRequestIsTheCodexCaptureByteForByte() {
        // The checksum recorded when the capture was copied into relay-fixtures (fixtures/VERSIONS.md).
        String recorded = Samples.recordedSha256("codex-0.169.0/01_plain_custom_model_001_POST_v1_responses.body.json");

        assertThat(Sha256.hex(BenchRequests.codexRequest())).isEqualTo(recorded);
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
