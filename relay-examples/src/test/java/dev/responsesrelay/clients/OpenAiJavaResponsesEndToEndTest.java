package dev.responsesrelay.clients;

import static dev.responsesrelay.clients.ChatMessages.assistantToolCalls;
import static dev.responsesrelay.clients.ChatMessages.texts;
import static dev.responsesrelay.clients.ChatMessages.withRole;
import static dev.responsesrelay.clients.OpenAiNodeEndToEndTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * openai-java (from Maven Central, a test dependency of this module) → the relay's {@code
 * /v1/responses} → a scripted Chat Completions upstream: {@code responses().create}, {@code
 * createStreaming} folded by the SDK's own {@link ResponseAccumulator}, and a function-call loop.
 */
class OpenAiJavaResponsesEndToEndTest {
    private static RelayUnderTest relay;
    private static OpenAIClient client;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayUnderTest.start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl(relay.baseUrl())
                .apiKey(RelayUnderTest.CLIENT_KEY)
                .build();
    }

    @AfterAll
    static void stopRelay() {
        client.close();
        relay.close();
    }

    @BeforeEach
    void beginTest() {
        relay.beginTest();
    }

    @Test
    void createReturnsTheAnswer() {
        relay.enqueue(ChatReplies.jsonText("Greeting the user.", "Hello from the relay."));

        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(RelayUnderTest.MODEL)
                        .input("Say hello")
                        .build());

        assertThat(response.id()).startsWith("resp_");
        assertThat(outputText(response)).isEqualTo("Hello from the relay.");
        assertThat(response.output())
                .anySatisfy(item -> assertThat(item.isReasoning()).isTrue());
        assertThat(texts(single(relay.chatRequests()), "user")).containsExactly("Say hello");
    }

    @Test
    void responseAccumulatorFoldsTheStreamedAnswer() {
        relay.enqueue(ChatReplies.streamedText("Greeting the user.", "Hello from the relay."));

        Response response = streamed(ResponseCreateParams.builder()
                .model(RelayUnderTest.MODEL)
                .input("Say hello")
                .build());

        assertThat(response.status())
                .hasValueSatisfying(status -> assertThat(status.asString()).isEqualTo("completed"));
        assertThat(outputText(response)).isEqualTo("Hello from the relay.");
        assertThat(response.output().get(0).reasoning())
                .hasValueSatisfying(reasoning ->
                        assertThat(reasoning.summary().get(0).text()).isEqualTo("Greeting the user."));
        assertThat(single(relay.chatRequests()).path("stream").asBoolean()).isTrue();
    }

    @Test
    void streamedFunctionCallLoopSendsTheCallAndItsOutputUpstream() {
        relay.enqueue(
                ChatReplies.streamedWeatherCall("call_weather"),
                ChatReplies.streamedText("The tool answered.", "It is sunny in Paris."));
        FunctionTool weather = FunctionTool.builder()
                .name("get_weather")
                .description("Current weather for a city")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build())
                .strict(true)
                .build();
        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content("What is the weather in Paris?")
                .build()));

        Response first = streamed(ResponseCreateParams.builder()
                .model(RelayUnderTest.MODEL)
                .inputOfResponse(input)
                .addTool(weather)
                .build());
        ResponseFunctionToolCall call = first.output().stream()
                .flatMap(item -> item.functionCall().stream())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no function call in " + first.output()));
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isEqualTo("call_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        for (ResponseOutputItem item : first.output()) {
            item.reasoning().ifPresent(reasoning -> input.add(ResponseInputItem.ofReasoning(reasoning)));
            item.functionCall().ifPresent(functionCall -> input.add(ResponseInputItem.ofFunctionCall(functionCall)));
        }
        input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId())
                .output("Sunny in Paris")
                .build()));
        Response second = streamed(ResponseCreateParams.builder()
                .model(RelayUnderTest.MODEL)
                .inputOfResponse(input)
                .addTool(weather)
                .build());

        assertThat(outputText(second)).isEqualTo("It is sunny in Paris.");
        List<JsonNode> chats = relay.chatRequests();
        assertThat(chats).hasSize(2);
        assertThat(assistantToolCalls(chats.get(1)))
                .singleElement()
                .satisfies(upstreamCall ->
                        assertThat(upstreamCall.path("id").asText()).isEqualTo("call_weather"));
        assertThat(withRole(chats.get(1), "tool"))
                .singleElement()
                .satisfies(message -> assertThat(ChatMessages.text(message)).isEqualTo("Sunny in Paris"));
    }

    private static Response streamed(ResponseCreateParams params) {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.response();
    }

    static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            item.message()
                    .ifPresent(message -> message.content()
                            .forEach(content -> content.outputText()
                                    .map(ResponseOutputText::text)
                                    .ifPresent(text::append)));
        }
        return text.toString();
    }
}
