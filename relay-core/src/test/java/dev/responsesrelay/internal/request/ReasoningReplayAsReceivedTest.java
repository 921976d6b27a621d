package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.stream.ProviderTestSupport.assistants;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.chat;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.chunk;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.codexLikeRequest;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.nextTurn;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.output;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.stream;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.translator;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import dev.responsesrelay.internal.dialect.ProviderDetection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §4: a thinking server behind a host the relay does not recognise gets the generic
 * profile; DeepSeek-style servers refuse turn 2 of a tool loop unless the turn's reasoning comes
 * back in {@code reasoning_content} ("The `reasoning_content` in the thinking mode must be passed
 * back to the API", docs/dialects.md §1.2). The generic profile now sends it back in the field the
 * upstream used. Upstream chunks are synthetic, shaped after docs/dialects.md §1.2 (DeepSeek) and §1.15
 * (vLLM 0.16+: {@code reasoning}).
 */
class ReasoningReplayAsReceivedTest {
    /** A self-hosted gateway: no host or port rule of {@link ProviderDetection} matches it. */
    private static final String UNKNOWN_HOST = "https://llm-gateway.corp.example:9443/v1";

    private static final String THOUGHT = "The user wants the files listed. I will run ls.";

    private static String[] turnOneIn(String reasoningField) {
        return new String[] {
            chunk("{\"role\":\"assistant\",\"content\":null,\"" + reasoningField + "\":\"" + THOUGHT + "\"}", null),
            chunk(
                    "{\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"type\":\"function\",\"function\":"
                            + "{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}",
                    null),
            chunk("{}", "tool_calls"),
            "[DONE]"
        };
    }

    /** Turn 1 through one translator, turn 2's Chat assistant message from a fresh one. */
    private static JsonNode turnTwoAssistant(ProviderProfile profile, String... turnOneChunks) {
        ObjectNode turnOne = codexLikeRequest("deepseek-v4", "list the files");
        Translation first = translator(profile).translate(turnOne.toString());
        ArrayNode items = output(stream(first, turnOneChunks));
        ObjectNode turnTwo = nextTurn(turnOne, items, "a.txt\nb.txt\n");
        List<JsonNode> assistants = assistants(chat(translator(profile).translate(turnTwo.toString())));
        assertThat(assistants).hasSize(1);
        return assistants.get(0);
    }

    @Test
    void anUnknownHostGetsTheGenericProfile() {
        assertThat(ProviderProfile.detect(UNKNOWN_HOST)).isSameAs(ProviderProfile.GENERIC);
    }

    @Test
    void deepSeekStyleServerOnAnUnknownHostGetsItsReasoningContentBack() {
        JsonNode assistant = turnTwoAssistant(ProviderProfile.detect(UNKNOWN_HOST), turnOneIn("reasoning_content"));

        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.has("reasoning")).isFalse();
    }

    @Test
    void serverThatStreamsReasoningGetsItBackInReasoning() {
        JsonNode assistant = turnTwoAssistant(ProviderProfile.GENERIC, turnOneIn("reasoning"));

        assertThat(assistant.at("/reasoning").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.has("reasoning_content")).isFalse();
    }

    @Test
    void theSwitchTurnsItOff() {
        ProviderProfile off = ProviderProfile.GENERIC.toBuilder()
                .replayReasoningAsReceived(false)
                .build();

        JsonNode assistant = turnTwoAssistant(off, turnOneIn("reasoning_content"));

        assertThat(assistant.has("reasoning_content")).isFalse();
        assertThat(assistant.has("reasoning")).isFalse();
    }

    @Test
    void aProfileThatNamesItsFieldKeepsIt() {
        // The upstream streamed reasoning_content, but this server reads reasoning (vLLM 0.16+).
        JsonNode assistant = turnTwoAssistant(ProviderProfile.VLLM, turnOneIn("reasoning_content"));

        assertThat(assistant.at("/reasoning").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.has("reasoning_content")).isFalse();
    }

    @Test
    void hostedProvidersTheRelayKnowsNeverGetItBack() {
        // Groq streams reasoning but does not take it back (docs/PROVIDERS.md).
        JsonNode assistant = turnTwoAssistant(ProviderProfile.GROQ, turnOneIn("reasoning"));

        assertThat(assistant.has("reasoning")).isFalse();
    }

    @Test
    void anEnvelopeCannotNameAnyOtherField() {
        // The envelope comes back from the client: it may only name the three reasoning fields.
        String forged = ReasoningEnvelope.PREFIX
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"p\":\"generic\",\"rc\":\"x\",\"f\":\"tool_choice\"}"
                                .getBytes(StandardCharsets.UTF_8));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReasoningEnvelope.decode(forged))
                .isInstanceOf(ReasoningEnvelope.MalformedEnvelopeException.class);
    }
}
