package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.JsonTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real upstream samples from {@code fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects/} (provenance in its SOURCES.md). Samples
 * that are excerpts of a longer stream are noted; where a test appends a synthetic ending, it says
 * so and what the ending follows.
 */
class StreamMachineDialectsTest {
    private static final String SYNTHETIC_STOP = Chunks.finish("stop");

    private static StreamRun.Result translateSample(String file, String... syntheticTail) {
        StringBuilder body = new StringBuilder(Samples.text("dialects/" + file));
        for (String chunk : syntheticTail) {
            body.append("data: ").append(chunk).append("\n\n");
        }
        return StreamRun.translateSse(TestContexts.plain(), body.toString());
    }

    private static String text(StreamRun.Result result, int item) {
        return result.output().get(item).path("content").get(0).path("text").asText();
    }

    private static String summary(StreamRun.Result result, int item) {
        return result.output().get(item).path("summary").get(0).path("text").asText();
    }

    @Test
    void openAiStreamWithObfuscationAndRefusalNull() {
        StreamRun.Result result = translateSample("openai-stream-basic-gomodel.sse");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(text(result, 0)).isEqualTo("Hello, World!");
        assertThat(result.response().path("model").asText()).isEqualTo(TestContexts.MODEL);
    }

    @Test
    void groqStreamWithUsageOnTheFinishChunk() {
        StreamRun.Result result = translateSample("groq-stream-basic-gomodel.sse");

        assertThat(text(result, 0)).isEqualTo("Hello World!");
        assertThat(result.response().path("usage").path("input_tokens").asLong())
                .isEqualTo(38);
        assertThat(result.response().path("usage").path("output_tokens").asLong())
                .isEqualTo(4);
        assertThat(result.response().path("usage").path("total_tokens").asLong())
                .isEqualTo(42);
    }

    @Test
    void xaiStreamWithoutFinishReasonKeysUntilTheEnd() {
        StreamRun.Result result = translateSample("xai-stream-basic-gomodel.sse");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(result.output()).extracting(i -> i.path("type").asText()).containsExactly("reasoning", "message");
        assertThat(summary(result, 0)).startsWith("First, the user said: \"Say Hello World\".");
        assertThat(text(result, 1)).endsWith("I'm here to help!");
    }

    @Test
    void geminiStreamWithEverythingInOneChunk() {
        StreamRun.Result result = translateSample("gemini-stream-basic-gomodel.sse");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(text(result, 0)).isEqualTo("Hello World");
    }

    @Test
    void kimiStreamWithoutSpaceAfterDataAndUsageInTheChoice() {
        // An excerpt (first 3 and last 2 events of 50), which ends with finish_reason length.
        StreamRun.Result result = translateSample("kimi-for-coding-stream-excerpt-gomodel.sse");

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.response().path("incomplete_details").path("reason").asText())
                .isEqualTo("max_output_tokens");
        assertThat(summary(result, 0)).isEqualTo("We need.");
        JsonNode usage = result.response().path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(18);
        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong())
                .isEqualTo(18);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(68);
    }

    @Test
    void moonshotStreamWithUsageInTheChoice() {
        StreamRun.Result result = translateSample("moonshot-stream-usage-in-choice.sse");

        assertThat(text(result, 0)).isEqualTo("你好。");
        assertThat(result.response().path("usage").path("total_tokens").asLong())
                .isEqualTo(32);
    }

    @Test
    void openRouterProcessingCommentsAreIgnoredAndATruncatedStreamFails() {
        // The sample is the start of a stream: it ends without a finish reason, as a cut-off stream.
        StreamRun.Result truncated = translateSample("openrouter-stream-processing-comments.sse");
        assertThat(truncated.terminalType()).isEqualTo(EventTypes.FAILED);

        StreamRun.Result finished = translateSample("openrouter-stream-processing-comments.sse", SYNTHETIC_STOP);
        assertThat(finished.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(text(finished, 0)).isEqualTo("亚");
    }

    @Test
    void sglangStreamWithExplicitNulls() {
        // An excerpt from mid-stream; a synthetic stop (docs/dialects.md §0 shape) ends it.
        StreamRun.Result result = translateSample("sglang-stream-reasoning-content-explicit-nulls.sse", SYNTHETIC_STOP);

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(summary(result, 0)).isEqualTo("2=4.");
    }

    @Test
    void azureFirstChunkWithEmptyChoicesAndIdentity() {
        // The first two events of a longer capture; a synthetic text chunk and stop end it.
        StreamRun.Result result =
                translateSample("azure-stream-prompt-filter-first-chunk.sse", Chunks.text("Hi"), SYNTHETIC_STOP);

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(text(result, 0)).isEqualTo("Hi");
        assertThat(result.response().path("id").asText()).isEqualTo(TestContexts.RESPONSE_ID);
    }

    @Test
    void azureOlderPromptAnnotations() {
        // The first three events; a synthetic stop ends it.
        StreamRun.Result result =
                translateSample("azure-stream-2023-07-01-preview-prompt-annotations.sse", SYNTHETIC_STOP);

        assertThat(text(result, 0)).isEqualTo("Hello");
    }

    @Test
    void mistral2023FirstChunkWithoutObject() {
        // The first two events; a synthetic stop ends it.
        StreamRun.Result result = translateSample("mistral-stream-2023-first-chunk-no-object.sse", SYNTHETIC_STOP);

        assertThat(text(result, 0)).isEqualTo("It");
    }

    @Test
    void portkeyGroqStreamWithEmptyToolCallsOnEveryDelta() {
        // The first three events; a synthetic stop ends it.
        StreamRun.Result result = translateSample("groq-stream-via-portkey-2025.sse", SYNTHETIC_STOP);

        assertThat(text(result, 0)).isEqualTo("Hello!");
        assertThat(result.types()).doesNotContain(EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA);
    }

    @Test
    void localAiStreamWithoutFinishReasonFailsAtEof() {
        // LocalAI 2024 chunks carry no finish_reason; its sample ends without one, as a cut-off stream.
        StreamRun.Result result = translateSample("localai-stream-2024-no-finish-reason-usage-zeros.sse");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
    }

    @Test
    void dashScopeToolCallFirstDeltaThenRestatedId() {
        // The first event is real; the second is synthetic, as SOURCES.md describes the truncated
        // original ("restated id+type with arguments {}"), then a synthetic tool_calls finish.
        String second = "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_81da1a1e52eb4e5baa355b\",\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}],"
                + "\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],"
                + "\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1748170873,"
                + "\"model\":\"qwen-vl-max-latest\",\"id\":\"chatcmpl-0766c25a\"}";
        StreamRun.Result result =
                translateSample("dashscope-stream-toolcall-first-delta.sse", second, Chunks.finish("tool_calls"));

        assertThat(result.output()).hasSize(1);
        JsonNode call = result.output().get(0);
        assertThat(call.path("name").asText()).isEqualTo("dev-test");
        assertThat(call.path("call_id").asText()).isEqualTo("call_81da1a1e52eb4e5baa355b");
        assertThat(call.path("arguments").asText()).isEqualTo("{}");
    }

    @Test
    void lmStudioThinkTagsInContent() {
        // lmstudio-stream-think-in-content.json holds the first two chunks ("<think>", "\n\n");
        // synthetic chunks of the same shape continue it.
        JsonNode chunks = JsonTestSupport.tree(Samples.text("dialects/lmstudio-stream-think-in-content.json"));
        List<String> payloads = new ArrayList<>();
        chunks.forEach(chunk -> payloads.add(chunk.toString()));
        payloads.add(Chunks.text("Greeting."));
        payloads.add(Chunks.text("</think>\n\nHi there"));
        payloads.add(SYNTHETIC_STOP);
        payloads.add("[DONE]");
        StreamRun.Result result = StreamRun.translate(TestContexts.plain(), payloads.toArray(String[]::new));

        assertThat(summary(result, 0)).isEqualTo("Greeting.");
        assertThat(text(result, 1)).isEqualTo("Hi there");
    }

    @Test
    void localAiToolCallChunkWithEmptyFinishReasonAndCompletionIdAsCallId() {
        // localai-stream-2024-toolcall-first-chunk.json, then a synthetic arguments chunk and finish
        // in LocalAI's shape (finish_reason "" until the end, the same id restated).
        String first = JsonTestSupport.tree(Samples.text("dialects/localai-stream-2024-toolcall-first-chunk.json"))
                .toString();
        String arguments = "{\"object\":\"chat.completion.chunk\",\"id\":\"f5f63d03-9bd7-42ba-9e25-bfc35ed44f47\","
                + "\"choices\":[{\"index\":0,\"finish_reason\":\"\",\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"f5f63d03-9bd7-42ba-9e25-bfc35ed44f47\",\"type\":\"function\",\"function\":"
                + "{\"arguments\":\"{\\\"location\\\":\\\"Boston\\\"}\"}}]}}],"
                + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}";
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("get_current_weather").build(),
                first,
                arguments,
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.output()).hasSize(1);
        assertThat(result.output().get(0).path("arguments").asText()).isEqualTo("{\"location\":\"Boston\"}");
    }

    @Test
    void vllmGatewayToolCallContinuationsWithExplicitNulls() {
        // zen-vllm-stream-toolcall-null-continuations.json holds deltas only; each is wrapped in a
        // chunk of the docs/dialects.md §0 shape, and synthetic argument deltas of the same shape follow.
        JsonNode deltas =
                JsonTestSupport.tree(Samples.text("dialects/zen-vllm-stream-toolcall-null-continuations.json"));
        List<String> payloads = new ArrayList<>();
        deltas.forEach(d -> payloads.add(Chunks.delta(d.path("delta").toString())));
        payloads.add(Chunks.delta("{\"role\":null,\"content\":\"\",\"tool_calls\":[{\"index\":0,\"id\":null,"
                + "\"type\":null,\"function\":{\"name\":null,\"arguments\":\"{\\\"x\\\":1}\"}}]}"));
        payloads.add(Chunks.finish("tool_calls"));
        payloads.add("[DONE]");
        TestContexts contexts = TestContexts.builder().function("calculator");
        StreamRun.Result result = StreamRun.translate(contexts.build(), payloads.toArray(String[]::new));

        assertThat(result.output()).hasSize(1);
        assertThat(result.output().get(0).path("call_id").asText()).isEqualTo("chatcmpl-tool-b4d3cf2ed9145904");
        assertThat(result.output().get(0).path("arguments").asText()).isEqualTo("{\"x\":1}");
        assertThat(contexts.healed()).isEmpty();
    }

    @Test
    void geminiToolCallWithoutIndexAndWithExtraContent() {
        // gemini-openai-compat-stream-toolcall-thought-signature-fixture.json (a third-party test
        // fixture shaped after Gemini's stream): no tool-call index, extra_content on the call,
        // no finish reason; a synthetic stop follows, as Gemini streams end after calls.
        String chunk = JsonTestSupport.tree(
                        Samples.text("dialects/gemini-openai-compat-stream-toolcall-thought-signature-fixture.json"))
                .toString();
        TestContexts contexts = TestContexts.builder().function("task");
        StreamRun.Result result = StreamRun.translate(contexts.build(), chunk, SYNTHETIC_STOP, "[DONE]");

        assertThat(result.output().get(0).path("call_id").asText()).isEqualTo("FL1tqiJ9");
        assertThat(result.output().get(0).path("arguments").asText()).isEqualTo("{}");
        assertThat(contexts.healed()).containsExactly(HealingRule.TOOL_CALLS_FINISH_REASON);
    }
}
