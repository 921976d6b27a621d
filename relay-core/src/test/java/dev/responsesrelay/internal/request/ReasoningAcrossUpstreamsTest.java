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
import dev.responsesrelay.internal.dialect.ProviderDialect;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: turn 1 of a conversation goes to one upstream, turn 2 to another (a relay routing by
 * model, Codex's {@code /model} between turns). Each routed upstream's profile has its own {@link
 * ProviderDialect#replayScope()}: reasoning text is portable and goes in the field the new
 * upstream's profile names; a field learned from turn 1's server, OpenRouter's {@code
 * reasoning_details} and Gemini's signatures stay with the upstream that produced them. Upstream
 * chunks are synthetic, shaped after docs/dialects.md §1.2 (DeepSeek: {@code reasoning_content})
 * and §1.11 (Gemini's thought signatures).
 */
class ReasoningAcrossUpstreamsTest {
    private static final String THOUGHT = "The user wants the files listed. I will run ls.";

    private static final String[] DEEPSEEK_STYLE_TURN = {
        chunk("{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"" + THOUGHT + "\"}", null),
        chunk(
                "{\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}",
                null),
        chunk("{}", "tool_calls"),
        "[DONE]"
    };

    private static final String[] GEMINI_TURN = {
        chunk(
                "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"},"
                        + "\"extra_content\":{\"google\":{\"thought_signature\":\"c2lnbmF0dXJl\"}}}]}",
                null),
        chunk("{}", "tool_calls"),
        "[DONE]"
    };

    private static ProviderProfile routed(ProviderProfile profile, String upstream) {
        return profile.toBuilder().replayScope(profile.name() + "@" + upstream).build();
    }

    /** Turn 1 answered through {@code first}, turn 2's Chat assistant message as {@code second} gets it. */
    private static JsonNode turnTwoAssistant(ProviderProfile first, ProviderProfile second, String... turnOne) {
        ObjectNode request = codexLikeRequest("m", "list the files");
        Translation translation = translator(first).translate(request.toString());
        ArrayNode items = output(stream(translation, turnOne));
        ObjectNode turnTwo = nextTurn(request, items, "a.txt\nb.txt\n");
        List<JsonNode> assistants = assistants(chat(translator(second).translate(turnTwo.toString())));
        assertThat(assistants).hasSize(1);
        return assistants.get(0);
    }

    @Test
    void theSameUpstreamGetsItsFieldBackAsReceived() {
        ProviderProfile gateway = routed(ProviderProfile.GENERIC, "gateway");

        JsonNode assistant = turnTwoAssistant(gateway, gateway, DEEPSEEK_STYLE_TURN);

        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo(THOUGHT);
    }

    @Test
    void anotherUnrecognisedUpstreamIsNotSentTheFieldTheFirstOneStreamed() {
        ProviderProfile selfHostedDeepSeek = routed(ProviderProfile.GENERIC, "deepseek-local");
        ProviderProfile corporateGateway = routed(ProviderProfile.GENERIC, "gateway");

        JsonNode assistant = turnTwoAssistant(selfHostedDeepSeek, corporateGateway, DEEPSEEK_STYLE_TURN);

        assertThat(assistant.has("reasoning_content")).isFalse();
        assertThat(assistant.has("reasoning")).isFalse();
        assertThat(assistant.at("/tool_calls/0/function/name").asText()).isEqualTo("exec_command");
    }

    @Test
    void aProfileThatNamesItsFieldGetsForeignReasoningTextThere() {
        // Turn 1 on Kimi, turn 2 on vLLM, which reads "reasoning" (docs/dialects.md §1.15).
        JsonNode assistant = turnTwoAssistant(
                routed(ProviderProfile.KIMI, "kimi"), routed(ProviderProfile.VLLM, "local"), DEEPSEEK_STYLE_TURN);

        assertThat(assistant.at("/reasoning").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.has("reasoning_content")).isFalse();
    }

    @Test
    void geminiSignaturesStayWithTheGeminiUpstreamThatIssuedThem() {
        ProviderProfile geminiA = routed(ProviderProfile.GEMINI, "gemini-a");
        ProviderProfile geminiB = routed(ProviderProfile.GEMINI, "gemini-b");

        JsonNode same = turnTwoAssistant(geminiA, geminiA, GEMINI_TURN);
        JsonNode other = turnTwoAssistant(geminiA, geminiB, GEMINI_TURN);

        assertThat(same.at("/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isEqualTo("c2lnbmF0dXJl");
        // The other account's Gemini gets the documented skip value, not a signature it never issued.
        assertThat(other.at("/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isNotEqualTo("c2lnbmF0dXJl")
                .isNotEmpty();
    }

    @Test
    void aProfileWithoutAScopeKeepsItsNameAsBefore() {
        assertThat(ProviderDialect.of(ProviderProfile.GENERIC).replayScope()).isEqualTo("generic");
        assertThat(ProviderDialect.of(
                                ProviderProfile.GEMINI.toBuilder("my-gemini").build())
                        .replayScope())
                .isEqualTo("my-gemini");
        ProviderProfile scoped = routed(ProviderProfile.GENERIC, "gateway");
        assertThat(scoped).isNotEqualTo(ProviderProfile.GENERIC);
        assertThat(scoped.toBuilder().build()).isEqualTo(scoped);
    }
}
