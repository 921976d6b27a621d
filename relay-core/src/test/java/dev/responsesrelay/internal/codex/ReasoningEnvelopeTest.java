package dev.responsesrelay.internal.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonTestSupport;
import dev.responsesrelay.internal.request.MappedRequest;
import dev.responsesrelay.internal.request.RequestMapperTestSupport;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The envelope's wire form: round trip, size bounds, foreign blobs and damaged ones. */
class ReasoningEnvelopeTest {
    private static final ArrayNode NO_DETAILS = Json.MAPPER.createArrayNode();

    private static String ours(String json) {
        return ReasoningEnvelope.PREFIX
                + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ReasoningEnvelope decoded(String encoded) {
        ReasoningEnvelope envelope = ReasoningEnvelope.decode(encoded);
        assertThat(envelope).as(encoded).isNotNull();
        return envelope;
    }

    @Test
    void everyPartSurvivesTheRoundTrip() {
        ArrayNode details = (ArrayNode)
                JsonTestSupport.tree("[{\"type\":\"reasoning.text\",\"text\":\"t\",\"signature\":\"s\",\"index\":0}]");
        Map<String, String> signatures = new LinkedHashMap<>();
        signatures.put("call_b", "sigB");
        signatures.put("call_a", "sigA");
        ReasoningEnvelope envelope = new ReasoningEnvelope("openrouter", "Thinking… ✓ \"quoted\"", details, signatures);

        String encoded = envelope.encode();
        assertThat(encoded).startsWith("rrelay1:").doesNotContain("=").matches("rrelay1:[A-Za-z0-9_-]+");
        assertThat(ReasoningEnvelope.decode(encoded)).isEqualTo(envelope);
    }

    @Test
    void encodingIsDeterministic() {
        ReasoningEnvelope envelope = new ReasoningEnvelope("deepseek", "same", NO_DETAILS, Map.of());
        assertThat(envelope.encode()).isEqualTo(envelope.encode());
        assertThat(ReasoningEnvelope.peek(envelope.encode())).isEqualTo("{\"p\":\"deepseek\",\"rc\":\"same\"}");
    }

    @Test
    void textBeyondTheCapIsLeftOut() {
        String atCap = "a".repeat(ReasoningEnvelope.MAX_TEXT_CHARS);
        assertThat(decoded(new ReasoningEnvelope("p", atCap, NO_DETAILS, Map.of()).encode())
                        .reasoningText())
                .isEqualTo(atCap);
        assertThat(decoded(new ReasoningEnvelope("p", atCap + "a", NO_DETAILS, Map.of()).encode())
                        .reasoningText())
                .isNull();
    }

    @Test
    void detailsBeyondTheCapAreLeftOut() {
        ArrayNode big = Json.MAPPER.createArrayNode();
        big.addObject().put("type", "reasoning.encrypted").put("data", "x".repeat(ReasoningEnvelope.MAX_DETAILS_CHARS));
        ReasoningEnvelope small = decoded(new ReasoningEnvelope("p", "kept", big, Map.of()).encode());
        assertThat(small.details()).isEmpty();
        assertThat(small.reasoningText()).isEqualTo("kept");
    }

    @Test
    void blobsWithoutThePrefixAreNotOurs() {
        assertThat(ReasoningEnvelope.decode("gAAAAABo_real_openai_blob")).isNull();
        assertThat(ReasoningEnvelope.decode("ENCRYPTED_BLOB_abc123")).isNull();
        assertThat(ReasoningEnvelope.decode("[{\"type\":\"reasoning.encrypted\"}]"))
                .isNull();
        assertThat(ReasoningEnvelope.decode("rrelay2:future")).isNull();
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        assertThat(ReasoningEnvelope.decode(ours("{\"p\":\"kimi\",\"rc\":\"r\",\"future\":{\"x\":1}}")))
                .isEqualTo(new ReasoningEnvelope("kimi", "r", NO_DETAILS, Map.of()));
    }

    @Test
    void damagedEnvelopesAreRefusedWithAReason() {
        assertThatThrownBy(() -> ReasoningEnvelope.decode("rrelay1:***"))
                .isInstanceOf(ReasoningEnvelope.MalformedEnvelopeException.class)
                .hasMessageContaining("base64url");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(ours("not json"))).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(ours("[1]"))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(ours("{\"rc\":\"r\"}")))
                .hasMessageContaining("provider");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(ours("{\"p\":\"x\",\"rc\":5}")))
                .hasMessageContaining("rc");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(ours("{\"p\":\"x\",\"rd\":{}}")))
                .hasMessageContaining("rd");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(ours("{\"p\":\"x\",\"sig\":{\"c\":1}}")))
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> ReasoningEnvelope.decode(
                        ReasoningEnvelope.PREFIX + "A".repeat(ReasoningEnvelope.MAX_ENCODED_CHARS)))
                .hasMessageContaining("longer");
    }

    @Test
    void aDamagedEnvelopeInARequestIsAWarningNotAnError() {
        // Synthetic, shaped after a Codex reasoning echo (docs/codex-wire.md §1.3) whose blob was cut.
        String request = "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"go\"},"
                + "{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"Plan.\"}],"
                + "\"encrypted_content\":\"rrelay1:eyJwIjoiZGVlcHNl\"},"
                + "{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\",\"call_id\":\"c\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"ok\"}]}";
        MappedRequest mapped = RequestMapperTestSupport.map(request, dev.responsesrelay.ProviderProfile.DEEPSEEK);
        assertThat(mapped.warnings()).anyMatch(w -> w.startsWith("ignored encrypted_content at /input/1"));
        assertThat(JsonTestSupport.tree(mapped.chatJson())
                        .at("/messages/1/reasoning_content")
                        .asText())
                .isEqualTo("Plan.");
    }
}
