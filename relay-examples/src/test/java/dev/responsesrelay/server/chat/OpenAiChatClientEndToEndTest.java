package dev.responsesrelay.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.responsesrelay.server.RelayServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * openai-java's chat client → this relay's {@code /v1/chat/completions} (reverse, {@code
 * --upstream-api responses}) → a second relay in the forward direction ({@code /v1/responses}) → a
 * scripted Chat Completions upstream. Both translators run, one after the other, on real HTTP.
 */
class OpenAiChatClientEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Synthetic, shaped after OpenAI's Chat Completions stream (docs/dialects.md §A, OpenAI baseline). */
    private static final String TEXT_STREAM = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null)
            + chunk("{\"content\":\"Sunny in \"}", null)
            + chunk("{\"content\":\"Paris.\"}", null)
            + chunk("{}", "\"stop\"")
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted-model\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}\n\n"
            + "data: [DONE]\n\n";

    /** Synthetic, shaped after OpenAI's non-streamed chat.completion with one tool call. */
    private static final String TOOL_CALL_COMPLETION = "{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"scripted-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
            + "\"tool_calls\":[{\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
            + "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}";

    private HttpServer chatUpstream;
    private final List<JsonNode> chatRequests = new CopyOnWriteArrayList<>();
    private RelayServer forward;
    private RelayServer reverse;
    private OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        chatUpstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        chatUpstream.createContext("/v1/chat/completions", this::answerChat);
        chatUpstream.start();
        String chatBase = "http://127.0.0.1:" + chatUpstream.getAddress().getPort() + "/v1";
        forward = RelayServer.start("--port", "0", "--upstream", chatBase, "--api-key", "upstream-key");
        reverse = RelayServer.start(
                "--port",
                "0",
                "--upstream",
                forward.baseUrl(),
                "--upstream-api",
                "responses",
                "--require-key",
                "client-key");
        client = OpenAIOkHttpClient.builder()
                .baseUrl(reverse.baseUrl())
                .apiKey("client-key")
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        reverse.close();
        forward.close();
        chatUpstream.stop(0);
    }

    @Test
    void streamedAnswerArrivesWithTextFinishReasonAndUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("scripted-model")
                .addSystemMessage("Be brief.")
                .addUserMessage("Weather in Paris?")
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).hasValue("Sunny in Paris.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.promptTokens()).isEqualTo(21);
            assertThat(usage.completionTokens()).isEqualTo(4);
        });
        // Both hops translated: the Chat upstream saw the system and user messages again.
        JsonNode sent = chatRequests.get(0);
        assertThat(sent.path("messages").toString()).contains("Be brief.", "Weather in Paris?");
    }

    @Test
    void nonStreamedToolCallComesBackAsAChatToolCall() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("scripted-model")
                .addUserMessage("Weather in Paris?")
                .addTool(ChatCompletionFunctionTool.builder()
                        .function(FunctionDefinition.builder()
                                .name("get_weather")
                                .description("Current weather")
                                .parameters(FunctionParameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty(
                                                "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                        .build())
                                .build())
                        .build())
                .build();

        ChatCompletion completion = client.chat().completions().create(params);

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().toolCalls()).hasValueSatisfying(calls -> {
            assertThat(calls).hasSize(1);
            ChatCompletionMessageFunctionToolCall call = calls.get(0).function().orElseThrow();
            assertThat(call.function().name()).isEqualTo("get_weather");
            assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.promptTokens()).isEqualTo(30);
            assertThat(usage.completionTokens()).isEqualTo(9);
            assertThat(usage.totalTokens()).isEqualTo(39);
        });
        JsonNode tools = chatRequests.get(0).path("tools");
        assertThat(tools.path(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    private void answerChat(HttpExchange exchange) throws IOException {
        JsonNode request = MAPPER.readTree(exchange.getRequestBody().readAllBytes());
        chatRequests.add(request);
        boolean streams = request.path("stream").asBoolean(false);
        boolean hasTools = request.path("tools").size() > 0;
        String body;
        if (hasTools) {
            body = streams ? toolCallStream() : TOOL_CALL_COMPLETION;
        } else {
            body = streams ? TEXT_STREAM : textCompletion();
        }
        exchange.getResponseHeaders().set("Content-Type", streams ? "text/event-stream" : "application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String textCompletion() {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"scripted-model\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Sunny in Paris.\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}";
    }

    private static String toolCallStream() {
        return chunk(
                        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_7\","
                                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                        null)
                + chunk(
                        "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}",
                        null)
                + chunk("{}", "\"tool_calls\"")
                + "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted-model\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}\n\n"
                + "data: [DONE]\n\n";
    }

    private static String chunk(String delta, @Nullable String finishReason) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted-model\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }
}
