package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.chat;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import org.junit.jupiter.api.Test;

/**
 * Replayed reasoning items. Inputs are synthetic, shaped after the reasoning items Codex echoes
 * (docs/codex-wire.md §1.3 and §6: summary, content of reasoning_text, encrypted_content, null where
 * absent).
 */
class RequestMapperReasoningTest {
    private static final ProviderProfile DEEPSEEK_LIKE = ProviderProfile.builder("thinking")
            .reasoningReplayField("reasoning_content")
            .build();

    private static final String USER = "{\"role\":\"user\",\"content\":\"go\"}";

    private static final String REASONING_WITH_CONTENT = "{\"type\":\"reasoning\",\"id\":\"rs_9\","
            + "\"summary\":[{\"type\":\"summary_text\",\"text\":\"**Thinking about greeting**\"}],"
            + "\"content\":[{\"type\":\"reasoning_text\",\"text\":\"raw chain of thought text\"}],"
            + "\"encrypted_content\":\"gAAAA_fake_encrypted\"}";

    private static final String REASONING_SUMMARY_ONLY = "{\"type\":\"reasoning\",\"id\":\"rs_1\","
            + "\"summary\":[{\"type\":\"summary_text\",\"text\":\"**Running echo**\"},"
            + "{\"type\":\"summary_text\",\"text\":\"I will run echo.\"}],\"content\":null,\"encrypted_content\":null}";

    private static final String ASSISTANT = "{\"type\":\"message\",\"role\":\"assistant\","
            + "\"content\":[{\"type\":\"output_text\",\"text\":\"Hello!\"}]}";

    private static final String CALL =
            "{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\",\"call_id\":\"c\"}";

    private static final String OUTPUT = "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"ok\"}";

    private static JsonNode messages(ProviderProfile profile, String... items) {
        return chat(withInput("[" + String.join(",", items) + "]"), profile).at("/messages");
    }

    @Test
    void reasoningIsNotForwardedByDefault() {
        JsonNode messages = messages(ProviderProfile.GENERIC, USER, REASONING_WITH_CONTENT, ASSISTANT);
        assertThat(messages.get(1)).isEqualTo(tree("{\"role\":\"assistant\",\"content\":\"Hello!\"}"));
    }

    @Test
    void rawReasoningGoesIntoTheProfilesFieldOnTheFollowingAssistantMessage() {
        JsonNode messages = messages(DEEPSEEK_LIKE, USER, REASONING_WITH_CONTENT, ASSISTANT);
        assertThat(messages.at("/1/reasoning_content").asText()).isEqualTo("raw chain of thought text");
    }

    @Test
    void summaryStandsInWhenThereIsNoRawReasoning() {
        JsonNode messages = messages(DEEPSEEK_LIKE, USER, REASONING_SUMMARY_ONLY, CALL, OUTPUT);
        assertThat(messages.at("/1/reasoning_content").asText()).isEqualTo("**Running echo**\n\nI will run echo.");
        assertThat(messages.at("/1/tool_calls").size()).isEqualTo(1);
    }

    @Test
    void reasoningBetweenTextAndCallsStaysWithTheirTurn() {
        JsonNode messages = messages(DEEPSEEK_LIKE, USER, ASSISTANT, REASONING_WITH_CONTENT, CALL, OUTPUT);
        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool");
        assertThat(messages.at("/1/reasoning_content").asText()).isEqualTo("raw chain of thought text");
    }

    @Test
    void reasoningAfterOutputsBelongsToTheNextTurn() {
        JsonNode messages = messages(DEEPSEEK_LIKE, USER, CALL, OUTPUT, REASONING_WITH_CONTENT, ASSISTANT);
        assertThat(messages.at("/1").has("reasoning_content")).isFalse();
        assertThat(messages.at("/3/reasoning_content").asText()).isEqualTo("raw chain of thought text");
    }

    @Test
    void reasoningFollowedByUserMessageIsDropped() {
        JsonNode messages = messages(DEEPSEEK_LIKE, USER, REASONING_WITH_CONTENT, USER, ASSISTANT);
        assertThat(messages.at("/2").has("reasoning_content")).isFalse();
    }

    @Test
    void replayKeepsEncryptedContentForTheEnvelopeDecoder() {
        ObjectNode item = (ObjectNode) tree(REASONING_WITH_CONTENT);
        assertThat(ReasoningReplay.from(item, "/input/1"))
                .isEqualTo(new ReasoningReplay("raw chain of thought text", "gAAAA_fake_encrypted"));
    }

    @Test
    void replayOfNullFieldsIsEmpty() {
        ObjectNode item = (ObjectNode)
                tree("{\"type\":\"reasoning\",\"summary\":[],\"content\":null,\"encrypted_content\":null}");
        assertThat(ReasoningReplay.from(item, "/input/0")).isEqualTo(new ReasoningReplay("", null));
    }
}
