package dev.responsesrelay.clients;

import static dev.responsesrelay.clients.ChatMessages.assistantToolCalls;
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
 * Issue 12, judged by the real clients: server-side conversation state through openai-node
 * ({@code previous_response_id}, {@code responses.retrieve}, {@code inputItems.list}, {@code
 * delete}), the AI SDK's default {@code item_reference} flow ({@code store} unset) and the Agents
 * SDK's {@code previousResponseId}. Each test checks what the upstream received: the earlier turn's
 * answer, and its reasoning, which the {@code deepseek} profile sends back as {@code
 * reasoning_content} (docs/dialects.md rule 24), so a reasoning item the relay failed to resolve shows.
 */
class ConversationStateEndToEndTest {
    private static final String TURN_ONE_REASONING = "The user introduces herself.";
    private static final String TOOL_REASONING = "The user wants the weather; call the tool.";
    private static RelayUnderTest relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayUnderTest.start("--provider", "deepseek", "--store", "memory");
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
    void openAiNodePreviousResponseIdSendsTurnOneUpstream() {
        relay.enqueue(
                ChatReplies.jsonText(TURN_ONE_REASONING, "Hello, Ada."),
                ChatReplies.jsonText("Recalling the name.", "Your name is Ada."));

        JsonNode result = relay.run("openai-node.mjs", "previous").result();

        assertThat(result.path("second").path("output_text").asText()).isEqualTo("Your name is Ada.");
        assertTurnTwoCarriesTurnOne(relay.chatRequests());
    }

    @Test
    void openAiNodeHelpersRetrieveListAndDeleteAStoredResponse() {
        relay.enqueue(ChatReplies.jsonText("Two questions.", "Two answers."));

        JsonNode result = relay.run("openai-node.mjs", "stored").result();

        JsonNode created = result.path("created");
        JsonNode retrieved = result.path("retrieved");
        assertThat(retrieved.path("id").asText()).isEqualTo(created.path("id").asText());
        assertThat(retrieved.path("status").asText()).isEqualTo("completed");
        assertThat(retrieved.path("output_text").asText()).isEqualTo("Two answers.");
        assertThat(retrieved.path("output")).isEqualTo(created.path("output"));
        // limit 1 and order asc: the SDK's paging walked both input items, oldest first.
        List<String> inputTexts = new ArrayList<>();
        result.path("inputItems").forEach(item -> {
            assertThat(item.path("id").asText()).as(item.toString()).isNotEmpty();
            assertThat(item.path("type").asText()).isEqualTo("message");
            inputTexts.add(ChatMessages.text(item));
        });
        assertThat(inputTexts).containsExactly("First question", "Second question");
        assertThat(result.path("afterDelete").path("found").asBoolean()).isFalse();
        assertThat(result.path("afterDelete").path("status").asInt()).isEqualTo(404);
    }

    @Test
    void aiSdkTwoTurnChatResolvesItsItemReferences() {
        relay.enqueue(
                ChatReplies.jsonText(TURN_ONE_REASONING, "Hello, Ada."),
                ChatReplies.jsonText("Recalling the name.", "Your name is Ada."));

        NodeRun run = relay.run("ai-sdk.mjs", "twoTurns");
        JsonNode result = run.result();

        assertThat(result.path("second").path("text").asText()).isEqualTo("Your name is Ada.");
        // The flow under test: with store unset, the SDK sends turn 1's items back by reference.
        assertThat(itemReferences(run.responsesRequestBodies().get(1))).hasSize(2);
        assertTurnTwoCarriesTurnOne(relay.chatRequests());
    }

    @Test
    void aiSdkDefaultToolLoopResolvesTheReasoningReference() {
        relay.enqueue(
                ChatReplies.jsonWeatherCall("call_weather"),
                ChatReplies.jsonText("The tool answered.", "It is sunny in Paris."));

        NodeRun run = relay.run("ai-sdk.mjs", "agentTools");
        JsonNode result = run.result();

        assertThat(result.path("text").asText()).isEqualTo("It is sunny in Paris.");
        assertThat(itemReferences(run.responsesRequestBodies().get(1)))
                .singleElement()
                .satisfies(id -> assertThat(id).startsWith("rs_"));
        List<JsonNode> chats = relay.chatRequests();
        assertThat(chats).hasSize(2);
        JsonNode callTurn = withRole(chats.get(1), "assistant").get(0);
        assertThat(assistantToolCalls(chats.get(1)))
                .singleElement()
                .satisfies(call -> assertThat(call.path("id").asText()).isEqualTo("call_weather"));
        assertThat(callTurn.path("reasoning_content").asText()).isEqualTo(TOOL_REASONING);
    }

    @Test
    void agentsSdkPreviousResponseIdSendsTurnOneUpstream() {
        relay.enqueue(
                ChatReplies.jsonText(TURN_ONE_REASONING, "Hello, Ada."),
                ChatReplies.jsonText("Recalling the name.", "Your name is Ada."));

        NodeRun run = relay.run("agents.mjs", "previous");
        JsonNode result = run.result();

        assertThat(result.path("second").path("finalOutput").asText()).isEqualTo("Your name is Ada.");
        JsonNode turnTwo = run.responsesRequestBodies().get(1);
        assertThat(turnTwo.path("previous_response_id").asText())
                .isEqualTo(result.path("first").path("lastResponseId").asText());
        List<JsonNode> chats = relay.chatRequests();
        assertTurnTwoCarriesTurnOne(chats);
        // OpenAI does not carry instructions over a previous_response_id; the SDK sends them anew.
        assertThat(texts(chats.get(1), "system")).containsExactly("Answer briefly.");
    }

    /** Turn 2's upstream request holds turn 1's question, answer and reasoning, then the new question. */
    private static void assertTurnTwoCarriesTurnOne(List<JsonNode> chats) {
        assertThat(chats).hasSize(2);
        JsonNode turnTwo = chats.get(1);
        assertThat(texts(turnTwo, "user")).containsExactly("My name is Ada.", "What is my name?");
        assertThat(withRole(turnTwo, "assistant")).singleElement().satisfies(answer -> {
            assertThat(ChatMessages.text(answer)).isEqualTo("Hello, Ada.");
            assertThat(answer.path("reasoning_content").asText()).isEqualTo(TURN_ONE_REASONING);
        });
    }

    private static List<String> itemReferences(JsonNode responsesRequest) {
        List<String> ids = new ArrayList<>();
        responsesRequest.path("input").forEach(item -> {
            if (item.path("type").asText().equals("item_reference")) {
                ids.add(item.path("id").asText());
            }
        });
        return ids;
    }
}
