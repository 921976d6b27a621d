package dev.responsesrelay.clients;

import static dev.responsesrelay.clients.ChatMessages.assistantToolCalls;
import static dev.responsesrelay.clients.ChatMessages.strings;
import static dev.responsesrelay.clients.ChatMessages.texts;
import static dev.responsesrelay.clients.ChatMessages.withRole;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI Agents SDK ({@code @openai/agents}, its default OpenAI client and Responses model) →
 * the relay → a scripted Chat Completions upstream. Scenarios: {@code agents.mjs}.
 */
class AgentsSdkEndToEndTest {
    private static final String SCRIPT = "agents.mjs";
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
    void runCallsTheFunctionToolAndAnswers() {
        relay.enqueue(
                ChatReplies.jsonWeatherCall("call_weather"),
                ChatReplies.jsonText("The tool answered.", "It is sunny in Paris."));

        JsonNode result = relay.run(SCRIPT, "tools").result();

        assertRun(result);
        assertThat(relay.chatRequests())
                .allSatisfy(chat -> assertThat(chat.path("stream").asBoolean()).isFalse());
    }

    @Test
    void streamedRunCallsTheFunctionToolAndAnswers() {
        relay.enqueue(
                ChatReplies.streamedWeatherCall("call_weather"),
                ChatReplies.streamedText("The tool answered.", "It is sunny in Paris."));

        JsonNode result = relay.run(SCRIPT, "toolsStream").result();

        assertRun(result);
        assertThat(strings(result.path("eventTypes")))
                .contains("raw:response_done", "run_item_stream_event")
                .doesNotContain("raw:error");
        assertThat(relay.chatRequests())
                .allSatisfy(chat -> assertThat(chat.path("stream").asBoolean()).isTrue());
    }

    private static void assertRun(JsonNode result) {
        assertThat(result.path("finalOutput").asText()).isEqualTo("It is sunny in Paris.");
        assertThat(result.path("lastResponseId").asText()).startsWith("resp_");
        List<String> itemTypes = new ArrayList<>();
        result.path("items").forEach(item -> itemTypes.add(item.path("type").asText()));
        assertThat(itemTypes).contains("tool_call_item", "tool_call_output_item", "message_output_item");

        List<JsonNode> chats = relay.chatRequests();
        assertThat(chats).hasSize(2);
        // The agent's instructions arrive as the system prompt of both model calls.
        assertThat(chats).allSatisfy(chat -> assertThat(texts(chat, "system")).contains("Answer briefly."));
        JsonNode followUp = chats.get(1);
        assertThat(texts(followUp, "user")).containsExactly("What is the weather in Paris?");
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
