package dev.responsesrelay.clients;

import static dev.responsesrelay.clients.ChatMessages.assistantToolCalls;
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
 * LangChain JS ({@code @langchain/openai}'s {@code ChatOpenAI} with {@code useResponsesApi: true})
 * → the relay → a scripted Chat Completions upstream. Scenarios: {@code langchain.mjs}.
 */
class LangChainEndToEndTest {
    private static final String SCRIPT = "langchain.mjs";
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
    void invokeReturnsTheAnswer() {
        relay.enqueue(ChatReplies.jsonText("Greeting the user.", "Hello from the relay."));

        JsonNode result = relay.run(SCRIPT, "invoke").result();

        assertThat(result.path("text").asText()).isEqualTo("Hello from the relay.");
        JsonNode chat = single(relay.chatRequests());
        assertThat(texts(chat, "user")).containsExactly("Say hello");
    }

    @Test
    void streamDeliversTheAnswer() {
        relay.enqueue(ChatReplies.streamedText("Greeting the user.", "Hello from the relay."));

        JsonNode result = relay.run(SCRIPT, "stream").result();

        assertThat(result.path("text").asText()).isEqualTo("Hello from the relay.");
        assertThat(result.path("chunks").asInt()).isGreaterThan(1);
        assertThat(single(relay.chatRequests()).path("stream").asBoolean()).isTrue();
    }

    @Test
    void toolLoopSendsTheCallAndItsResultUpstream() {
        relay.enqueue(
                ChatReplies.jsonWeatherCall("call_weather"),
                ChatReplies.jsonText("The tool answered.", "It is sunny in Paris."));

        JsonNode result = relay.run(SCRIPT, "tools").result();

        assertThat(result.path("toolCalls")).singleElement().satisfies(call -> {
            assertThat(call.path("name").asText()).isEqualTo("get_weather");
            assertThat(call.path("args").path("city").asText()).isEqualTo("Paris");
        });
        assertThat(result.path("text").asText()).isEqualTo("It is sunny in Paris.");
        List<JsonNode> chats = relay.chatRequests();
        assertThat(chats).hasSize(2);
        JsonNode followUp = chats.get(1);
        assertThat(assistantToolCalls(followUp))
                .singleElement()
                .satisfies(call -> assertThat(call.path("id").asText()).isEqualTo("call_weather"));
        assertThat(withRole(followUp, "tool"))
                .singleElement()
                .satisfies(message -> assertThat(ChatMessages.text(message)).isEqualTo("Sunny in Paris"));
    }
}
