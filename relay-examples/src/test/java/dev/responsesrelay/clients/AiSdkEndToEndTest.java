package dev.responsesrelay.clients;

import static dev.responsesrelay.clients.ChatMessages.assistantToolCalls;
import static dev.responsesrelay.clients.ChatMessages.strings;
import static dev.responsesrelay.clients.ChatMessages.texts;
import static dev.responsesrelay.clients.ChatMessages.withRole;
import static dev.responsesrelay.clients.OpenAiNodeEndToEndTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vercel AI SDK ({@code ai} + {@code @ai-sdk/openai}, the default {@code openai} provider, whose
 * {@code openai(model)} calls the Responses API) → the relay → a scripted Chat Completions upstream.
 * Scenarios: {@code ai-sdk.mjs}.
 */
class AiSdkEndToEndTest {
    private static final String SCRIPT = "ai-sdk.mjs";
    private static RelayUnderTest relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayUnderTest.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @BeforeEach
    void beginTest() {
        relay.beginTest();
    }

    @Test
    void generateTextReturnsTheAnswerAndTheReasoning() {
        relay.enqueue(ChatReplies.jsonText("Greeting the user.", "Hello from the relay."));

        JsonNode result = relay.run(SCRIPT, "generate").result();

        assertThat(result.path("text").asText()).isEqualTo("Hello from the relay.");
        assertThat(result.path("reasoningText").asText()).isEqualTo("Greeting the user.");
        assertThat(result.path("warnings")).isEmpty();
        assertThat(result.path("steps").get(0).path("responseId").asText()).startsWith("resp_");
        JsonNode chat = single(relay.chatRequests());
        assertThat(chat.path("stream").asBoolean()).isFalse();
        assertThat(texts(chat, "user")).containsExactly("Say hello");
    }

    @Test
    void streamTextStreamsTheAnswerAndTheReasoning() {
        relay.enqueue(ChatReplies.streamedText("Greeting the user.", "Hello from the relay."));

        JsonNode result = relay.run(SCRIPT, "stream").result();

        assertThat(result.path("text").asText()).isEqualTo("Hello from the relay.");
        List<String> partTypes = strings(result.path("partTypes"));
        assertThat(partTypes)
                .contains("reasoning-delta", "text-delta", "finish")
                .doesNotContain("error");
        assertThat(result.path("steps").get(0).path("reasoningText").asText()).isEqualTo("Greeting the user.");
        assertThat(single(relay.chatRequests()).path("stream").asBoolean()).isTrue();
    }

    @Test
    void defaultToolLoopRunsTheToolAndSendsItsResultUpstream() {
        relay.enqueue(
                ChatReplies.jsonWeatherCall("call_weather"),
                ChatReplies.jsonText("The tool answered.", "It is sunny in Paris."));

        JsonNode result = relay.run(SCRIPT, "agentTools").result();

        assertToolLoop(result);
    }

    @Test
    void streamedDefaultToolLoopRunsTheToolAndSendsItsResultUpstream() {
        relay.enqueue(
                ChatReplies.streamedWeatherCall("call_weather"),
                ChatReplies.streamedText("The tool answered.", "It is sunny in Paris."));

        JsonNode result = relay.run(SCRIPT, "agentToolsStream").result();

        assertThat(strings(result.path("partTypes")))
                .contains("tool-call", "tool-result")
                .doesNotContain("error");
        assertToolLoop(result);
    }

    private static void assertToolLoop(JsonNode result) {
        assertThat(result.path("text").asText()).isEqualTo("It is sunny in Paris.");
        JsonNode steps = result.path("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).path("finishReason").asText()).isEqualTo("tool-calls");
        assertThat(steps.get(0).path("toolCalls").get(0).path("toolName").asText())
                .isEqualTo("get_weather");
        assertThat(steps.get(0)
                        .path("toolCalls")
                        .get(0)
                        .path("input")
                        .path("city")
                        .asText())
                .isEqualTo("Paris");
        assertThat(steps.get(0).path("toolResults").get(0).path("output").asText())
                .isEqualTo("Sunny in Paris");

        List<JsonNode> chats = relay.chatRequests();
        assertThat(chats).hasSize(2);
        JsonNode followUp = chats.get(1);
        assertThat(assistantToolCalls(followUp)).singleElement().satisfies(call -> {
            assertThat(call.path("id").asText()).isEqualTo("call_weather");
            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        });
        assertThat(withRole(followUp, "tool")).singleElement().satisfies(message -> {
            assertThat(message.path("tool_call_id").asText()).isEqualTo("call_weather");
            assertThat(ChatMessages.text(message)).isEqualTo("Sunny in Paris");
        });
    }
}
