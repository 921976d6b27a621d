package dev.responsesrelay.clients;

import static dev.responsesrelay.clients.ChatMessages.assistantToolCalls;
import static dev.responsesrelay.clients.ChatMessages.strings;
import static dev.responsesrelay.clients.ChatMessages.texts;
import static dev.responsesrelay.clients.ChatMessages.withRole;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * openai-node ({@code openai} from npm, {@code new OpenAI()} with only OPENAI_BASE_URL and
 * OPENAI_API_KEY set) → the relay → a scripted Chat Completions upstream. Scenarios: {@code
 * openai-node.mjs}.
 */
class OpenAiNodeEndToEndTest {
    private static final String SCRIPT = "openai-node.mjs";
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
    void nonStreamedCreateReturnsTheAnswer() {
        relay.enqueue(ChatReplies.jsonText("Greeting the user.", "Hello from the relay."));

        JsonNode response = relay.run(SCRIPT, "create").result();

        assertThat(response.path("id").asText()).startsWith("resp_");
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("output_text").asText()).isEqualTo("Hello from the relay.");
        assertThat(strings(response.path("output_types"))).containsExactly("reasoning", "message");
        JsonNode chat = single(relay.chatRequests());
        assertThat(chat.path("stream").asBoolean()).isFalse();
        assertThat(texts(chat, "user")).containsExactly("Say hello");
    }

    @Test
    void streamHelperAccumulatesTheStreamedAnswer() {
        relay.enqueue(ChatReplies.streamedText("Greeting the user.", "Hello from the relay."));

        JsonNode result = relay.run(SCRIPT, "stream").result();

        List<String> eventTypes = strings(result.path("eventTypes"));
        assertThat(eventTypes).startsWith("response.created").endsWith("response.completed");
        assertThat(eventTypes).contains("response.output_text.delta", "response.output_item.done");
        assertThat(result.path("deltas").asText()).isEqualTo("Hello from the relay.");
        JsonNode last = result.path("final");
        assertThat(last.path("status").asText()).isEqualTo("completed");
        assertThat(last.path("output_text").asText()).isEqualTo("Hello from the relay.");
        assertThat(strings(last.path("output_types"))).containsExactly("reasoning", "message");
        assertThat(single(relay.chatRequests()).path("stream").asBoolean()).isTrue();
    }

    @Test
    void functionCallLoopSendsTheCallAndItsOutputUpstream() throws Exception {
        relay.enqueue(
                ChatReplies.jsonWeatherCall("call_weather"),
                ChatReplies.jsonText("The tool answered.", "It is sunny in Paris."));

        JsonNode result = relay.run(SCRIPT, "tools").result();

        assertThat(result.path("call").path("name").asText()).isEqualTo("get_weather");
        assertThat(result.path("call").path("call_id").asText()).isEqualTo("call_weather");
        assertThat(result.path("call").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(result.path("second").path("output_text").asText()).isEqualTo("It is sunny in Paris.");

        List<JsonNode> chats = relay.chatRequests();
        assertThat(chats).hasSize(2);
        assertThat(chats.get(0)
                        .path("tools")
                        .get(0)
                        .path("function")
                        .path("name")
                        .asText())
                .isEqualTo("get_weather");
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

    static JsonNode single(List<JsonNode> requests) {
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}
