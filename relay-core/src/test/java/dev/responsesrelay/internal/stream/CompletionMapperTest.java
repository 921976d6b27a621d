package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.JsonTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Non-streaming {@code chat.completion} bodies to Responses {@code response} objects. Every result
 * must be a response openai-java reads and validates.
 */
class CompletionMapperTest {
    private static JsonNode map(StreamContext context, String completion) {
        String json = CompletionMapper.toResponse(completion, context);
        OpenAiJavaConformance.assertValidResponse(json);
        return JsonTestSupport.tree(json);
    }

    private static JsonNode mapSample(StreamContext context, String file) {
        return map(context, Samples.text("dialects/" + file));
    }

    @Test
    void openAiToolCallCompletion() {
        JsonNode response = mapSample(
                TestContexts.builder().function("get_weather").build(), "openai-nonstream-tool-call-gomodel.json");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("id").asText()).isEqualTo(TestContexts.RESPONSE_ID);
        assertThat(response.path("model").asText()).isEqualTo(TestContexts.MODEL);
        JsonNode call = response.path("output").get(0);
        assertThat(response.path("output")).hasSize(1);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("call_id").asText()).isEqualTo("call_X8zi23yeE70r4qiZ2lhIuRNK");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(response.path("usage").path("input_tokens").asLong()).isEqualTo(47);
        assertThat(response.path("usage").path("total_tokens").asLong()).isEqualTo(61);
    }

    @Test
    void openAiReasoningModelCompletionCountsReasoningTokens() {
        JsonNode response = mapSample(TestContexts.plain(), "openai-nonstream-reasoning-gomodel.json");

        assertThat(response.path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("2 + 2 equals 4.");
        assertThat(response.path("usage")
                        .path("output_tokens_details")
                        .path("reasoning_tokens")
                        .asLong())
                .isEqualTo(64);
    }

    @Test
    void xaiReasoningContentBecomesAReasoningItemFirst() {
        JsonNode response = mapSample(TestContexts.plain(), "xai-nonstream-reasoning-content-gomodel.json");

        assertThat(response.path("output"))
                .extracting(i -> i.path("type").asText())
                .containsExactly("reasoning", "message");
        assertThat(response.path("output")
                        .get(0)
                        .path("summary")
                        .get(0)
                        .path("text")
                        .asText())
                .startsWith("First, the user asked: \"Name 3 planets.\"");
        assertThat(response.path("output")
                        .get(1)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("Mercury, Venus, Earth.");
        assertThat(response.path("usage")
                        .path("input_tokens_details")
                        .path("cached_tokens")
                        .asLong())
                .isEqualTo(4);
    }

    @Test
    void groqAndGeminiToolCallsWithoutContentKey() {
        JsonNode groq = mapSample(
                TestContexts.builder().function("get_weather").build(), "groq-nonstream-tool-call-gomodel.json");
        JsonNode gemini = mapSample(
                TestContexts.builder().function("get_weather").build(),
                "gemini-openai-compat-nonstream-tool-call-gomodel.json");

        assertThat(groq.path("output").get(0).path("call_id").asText()).isEqualTo("2zvvry1t5");
        assertThat(gemini.path("output").get(0).path("call_id").asText()).isEqualTo("function-call-21392045118397310");
        assertThat(gemini.path("output").get(0).path("arguments").asText()).isEqualTo("{\"location\":\"Tokyo\"}");
    }

    @Test
    void completionWithoutUsageOrIdStillGetsZeroUsage() {
        // gemini-openai-compat-nonstream-toolcall-thought-signature-fixture.json: no id, no usage.
        JsonNode response = mapSample(
                TestContexts.builder().function("GetPrice").build(),
                "gemini-openai-compat-nonstream-toolcall-thought-signature-fixture.json");

        assertThat(response.path("output").get(0).path("call_id").asText()).isEqualTo("call_20038");
        assertThat(response.path("usage").path("total_tokens").asLong(-1)).isZero();
    }

    @Test
    void customToolAndNamespaceAreRestored() {
        // Synthetic, shaped after openai-nonstream-tool-call-gomodel.json.
        String completion = "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"id\":\"call_p\",\"type\":\"function\",\"function\":{\"name\":\"apply_patch\","
                + "\"arguments\":\"{\\\"input\\\":\\\"*** Begin Patch\\\\n*** End Patch\\\\n\\\"}\"}},"
                + "{\"id\":\"call_m\",\"type\":\"function\",\"function\":{\"name\":\"mcp__echo__echo_text\","
                + "\"arguments\":\"{\\\"text\\\":\\\"ping\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
        JsonNode response = map(
                TestContexts.builder()
                        .custom("apply_patch", "input")
                        .namespaced("mcp__echo__echo_text", "mcp__echo", "echo_text")
                        .build(),
                completion);

        JsonNode patch = response.path("output").get(0);
        assertThat(patch.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(patch.path("input").asText()).isEqualTo("*** Begin Patch\n*** End Patch\n");
        JsonNode echo = response.path("output").get(1);
        assertThat(echo.path("namespace").asText()).isEqualTo("mcp__echo");
        assertThat(echo.path("name").asText()).isEqualTo("echo_text");
    }

    @Test
    void toolCallsWithoutIdsOrIndexesStayDistinct() {
        // Synthetic: a complete message lists each call once, so array position is the index.
        String completion = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"tool_calls\":["
                + "{\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}";
        JsonNode response = map(TestContexts.builder().function("f").build(), completion);

        assertThat(response.path("output")).hasSize(2);
        assertThat(response.path("output").get(0).path("call_id").asText())
                .isNotEqualTo(response.path("output").get(1).path("call_id").asText());
    }

    @Test
    void loneCloseTagInAWholeMessageSplitsReasoningFromTheAnswer() {
        // Synthetic, shaped after docs/dialects.md §1.14/§1.15: the template opened <think> in the prompt.
        String completion = "{\"choices\":[{\"message\":{\"role\":\"assistant\","
                + "\"content\":\"The user says hi.\\n</think>\\n\\nHello!\"},\"finish_reason\":\"stop\"}]}";
        TestContexts contexts = TestContexts.builder();
        JsonNode response = map(contexts.build(), completion);

        assertThat(response.path("output")
                        .get(0)
                        .path("summary")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("The user says hi.\n");
        assertThat(response.path("output")
                        .get(1)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("Hello!");
        assertThat(contexts.healed()).containsExactly(HealingRule.THINK_TAGS);
    }

    @Test
    void lengthFinishGivesAnIncompleteResponse() {
        String completion = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Partial\"},"
                + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
        JsonNode response = map(TestContexts.plain(), completion);

        assertThat(response.path("status").asText()).isEqualTo("incomplete");
        assertThat(response.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(response.path("output").get(0).path("status").asText()).isEqualTo("incomplete");
    }

    @Test
    void missingFinishReasonInAWholeCompletionIsNormal() {
        TestContexts contexts = TestContexts.builder();
        JsonNode response =
                map(contexts.build(), "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(contexts.healed()).isEmpty();
    }

    @Test
    void errorBodyGivesAFailedResponse() {
        // LM Studio answers an unknown path with HTTP 200 and an error body (docs/dialects.md §1.14).
        JsonNode response =
                map(TestContexts.plain(), "{\"error\":\"Unexpected endpoint or method. (POST /chat/completions)\"}");

        assertThat(response.path("status").asText()).isEqualTo("failed");
        assertThat(response.path("error").path("code").asText()).isNotEmpty();
        assertThat(response.path("error").path("message").asText()).isNotEmpty();
        assertThat(response.path("output")).isEmpty();
    }

    @Test
    void unparsableBodyGivesAFailedResponse() {
        JsonNode response = map(TestContexts.plain(), "<html>502 Bad Gateway</html>");

        assertThat(response.path("status").asText()).isEqualTo("failed");
        assertThat(response.path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(response.path("error").path("message").asText()).contains("unreadable");
    }

    @Test
    void completionWithoutChoicesGivesAFailedResponse() {
        JsonNode response = map(TestContexts.plain(), "{\"id\":\"c\",\"choices\":[]}");

        assertThat(response.path("status").asText()).isEqualTo("failed");
        assertThat(response.path("error").path("message").asText()).contains("no choices");
    }

    @Test
    void completionAndStreamOfTheSameAnswerGiveTheSameResponse() {
        String completion = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Let me run it.\","
                + "\"reasoning_content\":\"Need ls.\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":9,\"total_tokens\":29}}";
        JsonNode whole = map(TestContexts.builder().function("exec_command").build(), completion);

        StreamRun.Result streamed = StreamRun.translate(
                TestContexts.builder().function("exec_command").build(),
                Chunks.reasoning("reasoning_content", "Need ls."),
                Chunks.text("Let me run it."),
                Chunks.toolCall(0, "call_1", "exec_command", "{\"cmd\":\"ls\"}"),
                Chunks.finish("tool_calls"),
                Chunks.usage(20, 9),
                "[DONE]");

        assertThat(whole).isEqualTo(streamed.response());
    }
}
