package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: turn 1 of a tool loop on one routed upstream, turn 2 on another, as Codex's {@code
 * /model} does between turns. Both upstreams are servers the relay does not recognise (generic
 * profile, which sends reasoning back in the field the server streamed it in, issue 13 §4): the
 * DeepSeek-style one gets its {@code reasoning_content} back, the other is never sent a field only
 * the first one streamed. Upstream streams are synthetic, shaped after docs/dialects.md §1.2.
 */
class ReasoningAcrossRoutedUpstreamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ScriptedChatUpstream thinking;
    private ScriptedChatUpstream gateway;
    private RelayServer relay;
    private TestClient client;

    @BeforeEach
    void start() throws Exception {
        thinking = ScriptedChatUpstream.start().models("ds-local");
        gateway = ScriptedChatUpstream.start().models("gw-model");
        Path config = dir.resolve("relay.toml");
        Files.writeString(config, """
                [upstreams.thinking]
                base_url = "%s"

                [upstreams.gateway]
                base_url = "%s"

                [models."ds-local"]
                upstream = "thinking"

                [models."gw-model"]
                upstream = "gateway"
                """.formatted(thinking.baseUrl(), gateway.baseUrl()));
        relay = RelayServer.start("--port", "0", "--config", config.toString());
        client = new TestClient(relay.baseUrl());
    }

    @AfterEach
    void stop() {
        client.close();
        relay.close();
        thinking.close();
        gateway.close();
    }

    @Test
    void turnTwoOnAnotherUpstreamIsNotSentTheFirstOnesReasoningField() throws Exception {
        thinking.enqueue(toolCallWithReasoning());
        gateway.enqueue(plainAnswer("done"));
        ArrayNode turnOneOutput = turn("ds-local", userTurn());

        turn("gw-model", nextTurn(turnOneOutput));

        JsonNode assistant = assistantMessage(gateway.chatRequests().get(0).body());
        assertThat(assistant.at("/tool_calls/0/function/name").asText()).isEqualTo("exec_command");
        assertThat(assistant.has("reasoning_content")).isFalse();
        assertThat(assistant.has("reasoning")).isFalse();
    }

    @Test
    void turnTwoBackOnTheSameUpstreamGetsItsReasoningContent() throws Exception {
        thinking.enqueue(toolCallWithReasoning(), plainAnswer("done"));
        ArrayNode turnOneOutput = turn("ds-local", userTurn());

        turn("ds-local", nextTurn(turnOneOutput));

        JsonNode assistant = assistantMessage(thinking.chatRequests().get(1).body());
        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo("I will list the files.");
    }

    /** Streams one turn; returns its output items as Codex keeps them for the next request. */
    private ArrayNode turn(String model, ArrayNode input) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("stream", true);
        body.put("store", false);
        body.putArray("include").add("reasoning.encrypted_content");
        body.set("input", input);
        body.putArray("tools")
                .addObject()
                .put("type", "function")
                .put("name", "exec_command")
                .putObject("parameters")
                .put("type", "object");
        try (Response response = client.postResponses(body.toString())) {
            assertThat(response.code()).isEqualTo(200);
            List<SseEvent> events = TestClient.readEvents(response);
            SseEvent last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("response.completed");
            return (ArrayNode) JSON.readTree(last.data()).at("/response/output");
        }
    }

    private static ArrayNode userTurn() {
        ArrayNode input = JSON.createArrayNode();
        input.addObject()
                .put("type", "message")
                .put("role", "user")
                .putArray("content")
                .addObject()
                .put("type", "input_text")
                .put("text", "list the files");
        return input;
    }

    private static ArrayNode nextTurn(ArrayNode turnOneOutput) {
        ArrayNode input = userTurn();
        input.addAll(turnOneOutput);
        String callId = "";
        for (JsonNode item : turnOneOutput) {
            if (item.path("type").asText().equals("function_call")) {
                callId = item.path("call_id").asText();
            }
        }
        assertThat(callId).as("turn 1 made a tool call").isNotEmpty();
        input.addObject()
                .put("type", "function_call_output")
                .put("call_id", callId)
                .put("output", "a.txt");
        return input;
    }

    private static JsonNode assistantMessage(String chatRequest) throws Exception {
        for (JsonNode message : JSON.readTree(chatRequest).path("messages")) {
            if (message.path("role").asText().equals("assistant")) {
                return message;
            }
        }
        throw new AssertionError("no assistant message in " + chatRequest);
    }

    private static ScriptedReply toolCallWithReasoning() {
        return ScriptedReply.sse(List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":"
                        + "\"I will list the files.\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"exec_command\",\"arguments\":"
                        + "\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"));
    }

    private static ScriptedReply plainAnswer(String text) {
        return ScriptedReply.sse(List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
    }
}
