package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.JsonTestSupport;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each provider's stream through its own profile. Real samples come from relay-fixtures' copies in
 * {@code fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects/} (provenance in
 * its SOURCES.md) and say when they are excerpts; where a test
 * appends synthetic chunks, or is wholly synthetic, it names the docs/dialects.md section the shape
 * follows. What the profile changes on the answer side is asserted: which provider a reasoning
 * envelope names, whether {@code <think>} tags are split, and the repairs that fire.
 */
class ProviderStreamsTest {
    private static final String STOP = Chunks.finish("stop");

    private final List<HealingRule> healed = new ArrayList<>();

    private StreamRun.Result sample(ProviderProfile profile, String file, String... syntheticTail) {
        return sample(profile, TestContexts.builder(), file, syntheticTail);
    }

    private StreamRun.Result sample(ProviderProfile profile, TestContexts contexts, String file, String... tail) {
        StringBuilder body = new StringBuilder(Samples.text("dialects/" + file));
        for (String chunk : tail) {
            body.append("data: ").append(chunk).append("\n\n");
        }
        return sse(profile, contexts, body.toString());
    }

    private StreamRun.Result sse(ProviderProfile profile, TestContexts contexts, String body) {
        StreamRun.Result result =
                StreamRun.translateSse(contexts.provider(profile).build(), body);
        healed.addAll(contexts.healed());
        return result;
    }

    private StreamRun.Result chunks(ProviderProfile profile, TestContexts contexts, String... payloads) {
        StreamRun.Result result = StreamRun.translate(contexts.provider(profile).build(), payloads);
        healed.addAll(contexts.healed());
        return result;
    }

    private static String text(StreamRun.Result result, int item) {
        return result.output().get(item).path("content").get(0).path("text").asText();
    }

    private static List<String> types(StreamRun.Result result) {
        List<String> types = new ArrayList<>();
        result.output().forEach(i -> types.add(i.path("type").asText()));
        return types;
    }

    private static ReasoningEnvelope envelope(JsonNode reasoningItem) {
        ReasoningEnvelope envelope =
                ReasoningEnvelope.decode(reasoningItem.path("encrypted_content").asText());
        assertThat(envelope).as("envelope on %s", reasoningItem).isNotNull();
        return envelope;
    }

    private static String sse(String... payloads) {
        StringBuilder body = new StringBuilder();
        for (String payload : payloads) {
            body.append("data: ").append(payload).append("\n\n");
        }
        return body.toString();
    }

    @Test
    void openAi() {
        StreamRun.Result result = sample(ProviderProfile.OPENAI, "openai-stream-basic-gomodel.sse");
        assertThat(types(result)).containsExactly("message");
        assertThat(text(result, 0)).isEqualTo("Hello, World!");
        assertThat(healed).isEmpty();

        // OpenAI never writes reasoning inline, so a literal tag is text (synthetic, §0 shape).
        StreamRun.Result tags = chunks(
                ProviderProfile.OPENAI,
                TestContexts.builder(),
                Chunks.text("<think>x</think> is a tag"),
                STOP,
                "[DONE]");
        assertThat(text(tags, 0)).isEqualTo("<think>x</think> is a tag");
    }

    @Test
    void azure() {
        // The first two events of a capture; a synthetic text chunk and stop (§0 shape) end it.
        StreamRun.Result result =
                sample(ProviderProfile.AZURE, "azure-stream-prompt-filter-first-chunk.sse", Chunks.text("Hi"), STOP);
        assertThat(text(result, 0)).isEqualTo("Hi");
        assertThat(healed).containsExactly(HealingRule.MISSING_DONE);
    }

    @Test
    void deepSeek() {
        // Synthetic, §1.2: keep-alive comments, reasoning_content, then a call whose later deltas
        // restate id and name as "".
        String body = ": keep-alive\n\n"
                + sse(
                        Chunks.delta("{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Run it.\"}"),
                        Chunks.delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_00_x\",\"type\":\"function\","
                                + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"\"}}]}"),
                        Chunks.delta("{\"tool_calls\":[{\"index\":0,\"id\":\"\",\"type\":\"function\",\"function\":"
                                + "{\"name\":\"\",\"arguments\":\"{}\"}}]}"),
                        Chunks.finish("tool_calls"),
                        Chunks.usage(10, 5),
                        "[DONE]");
        StreamRun.Result result =
                sse(ProviderProfile.DEEPSEEK, TestContexts.builder().function("exec_command"), body);

        assertThat(types(result)).containsExactly("reasoning", "function_call");
        ReasoningEnvelope envelope = envelope(result.output().get(0));
        assertThat(envelope.provider()).isEqualTo("deepseek");
        assertThat(envelope.reasoningText()).isEqualTo("Run it.");
        assertThat(result.output().get(1).path("call_id").asText()).isEqualTo("call_00_x");
        assertThat(healed).isEmpty();
    }

    @Test
    void kimi() {
        // An excerpt (first 3 and last 2 of 50 events) that ends with finish_reason length: the
        // reasoning item closes as incomplete but still carries its envelope.
        StreamRun.Result result = sample(ProviderProfile.KIMI, "kimi-for-coding-stream-excerpt-gomodel.sse");
        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(envelope(result.output().get(0)).provider()).isEqualTo("kimi");
        assertThat(healed).containsExactly(HealingRule.USAGE_ELSEWHERE);

        StreamRun.Result moonshot = sample(ProviderProfile.KIMI, "moonshot-stream-usage-in-choice.sse");
        assertThat(text(moonshot, 0)).isEqualTo("你好。");
        assertThat(moonshot.response().at("/usage/total_tokens").asLong()).isEqualTo(32);
    }

    @Test
    void qwen() {
        // The first event is real; the second is synthetic, as SOURCES.md describes the truncated
        // original (the id restated with arguments "{}"); then a synthetic finish.
        String second = Chunks.delta("{\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_81da1a1e52eb4e5baa355b\",\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}],"
                + "\"role\":\"assistant\"}");
        StreamRun.Result result = sample(
                ProviderProfile.QWEN,
                TestContexts.builder().function("dev-test"),
                "dashscope-stream-toolcall-first-delta.sse",
                second,
                Chunks.finish("tool_calls"),
                "[DONE]");
        assertThat(result.output().get(0).path("call_id").asText()).isEqualTo("call_81da1a1e52eb4e5baa355b");
        assertThat(healed).isEmpty();
    }

    @Test
    void mistral() {
        // The first two events of a 2023 stream; a synthetic stop ends it.
        StreamRun.Result old = sample(ProviderProfile.MISTRAL, "mistral-stream-2023-first-chunk-no-object.sse", STOP);
        assertThat(text(old, 0)).isEqualTo("It");

        // Synthetic, §1.5: Magistral thinking blocks in a content array, then two complete calls in
        // one delta with 9-character ids.
        StreamRun.Result result = chunks(
                ProviderProfile.MISTRAL,
                TestContexts.builder().function("exec_command"),
                Chunks.delta("{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":"
                        + "[{\"type\":\"text\",\"text\":\"Two commands.\"}]}]}"),
                Chunks.delta(
                        "{\"tool_calls\":[{\"id\":\"D681PevKs\",\"index\":0,\"function\":{\"name\":\"exec_command\","
                                + "\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}},{\"id\":\"Xq2mVt9aB\",\"index\":1,\"function\":"
                                + "{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"pwd\\\"}\"}}]}"),
                Chunks.finish("tool_calls"),
                "[DONE]");
        assertThat(types(result)).containsExactly("reasoning", "function_call", "function_call");
        assertThat(envelope(result.output().get(0)).reasoningText()).isEqualTo("Two commands.");
        assertThat(result.output().get(2).path("call_id").asText()).isEqualTo("Xq2mVt9aB");
        assertThat(healed).containsExactly(HealingRule.MISSING_DONE, HealingRule.CONTENT_BLOCKS);
    }

    @Test
    void groq() {
        StreamRun.Result result = sample(ProviderProfile.GROQ, "groq-stream-basic-gomodel.sse");
        assertThat(text(result, 0)).isEqualTo("Hello World!");
        assertThat(result.response().at("/usage/total_tokens").asLong()).isEqualTo(42);

        // Synthetic, §1.6: reasoning_format parsed puts reasoning in delta.reasoning.
        StreamRun.Result parsed = chunks(
                ProviderProfile.GROQ,
                TestContexts.builder(),
                Chunks.reasoning("reasoning", "Say hi."),
                Chunks.text("Hi"),
                STOP,
                "[DONE]");
        assertThat(envelope(parsed.output().get(0)).provider()).isEqualTo("groq");
        assertThat(text(parsed, 1)).isEqualTo("Hi");
    }

    @Test
    void xai() {
        StreamRun.Result result = sample(ProviderProfile.XAI, "xai-stream-basic-gomodel.sse");
        assertThat(types(result)).containsExactly("reasoning", "message");
        ReasoningEnvelope envelope = envelope(result.output().get(0));
        assertThat(envelope.provider()).isEqualTo("xai");
        assertThat(envelope.reasoningText())
                .isEqualTo(result.output().get(0).at("/summary/0/text").asText());
    }

    @Test
    void openRouter() {
        // The start of a stream; a synthetic stop (§0 shape) ends it.
        StreamRun.Result result = sample(ProviderProfile.OPENROUTER, "openrouter-stream-processing-comments.sse", STOP);
        assertThat(text(result, 0)).isEqualTo("亚");

        // Synthetic, §1.8: a benign finish_reason with native_finish_reason error fails the answer.
        String nativeError = "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                + "\"finish_reason\":\"stop\",\"native_finish_reason\":\"error\"}]}";
        StreamRun.Result failed = chunks(
                ProviderProfile.OPENROUTER, TestContexts.builder(), Chunks.text("partial"), nativeError, "[DONE]");
        assertThat(failed.terminalType()).isEqualTo(EventTypes.FAILED);
    }

    @Test
    void together() {
        // Synthetic, §1.9: reasoning arrives in delta.reasoning.
        StreamRun.Result result = chunks(
                ProviderProfile.TOGETHER,
                TestContexts.builder(),
                Chunks.reasoning("reasoning", "Hmm."),
                Chunks.text("Answer."),
                STOP,
                Chunks.usage(3, 4),
                "[DONE]");
        assertThat(types(result)).containsExactly("reasoning", "message");
        assertThat(envelope(result.output().get(0)).provider()).isEqualTo("together");
    }

    @Test
    void fireworks() {
        // Synthetic, §1.10: some models write reasoning inline as <think> in content.
        StreamRun.Result result = chunks(
                ProviderProfile.FIREWORKS,
                TestContexts.builder(),
                Chunks.text("<think>Plan"),
                Chunks.text(" it.</think>Done."),
                STOP,
                "[DONE]");
        assertThat(types(result)).containsExactly("reasoning", "message");
        assertThat(envelope(result.output().get(0)).reasoningText()).isEqualTo("Plan it.");
        assertThat(text(result, 1)).isEqualTo("Done.");
        assertThat(healed).containsExactly(HealingRule.THINK_TAGS);
    }

    @Test
    void gemini() {
        StreamRun.Result basic = sample(ProviderProfile.GEMINI, "gemini-stream-basic-gomodel.sse");
        assertThat(text(basic, 0)).isEqualTo("Hello World");

        // gemini-openai-compat-stream-toolcall-thought-signature-fixture.json (a third-party test
        // fixture shaped after Gemini's stream): no index, extra_content on the call; a synthetic
        // stop follows, as Gemini ends tool-call streams (§1.11).
        String chunk = JsonTestSupport.tree(
                        Samples.text("dialects/gemini-openai-compat-stream-toolcall-thought-signature-fixture.json"))
                .toString();
        StreamRun.Result result =
                chunks(ProviderProfile.GEMINI, TestContexts.builder().function("task"), chunk, STOP, "[DONE]");
        assertThat(types(result)).containsExactly("function_call", "reasoning");
        ReasoningEnvelope envelope = envelope(result.output().get(1));
        assertThat(envelope.provider()).isEqualTo("gemini");
        assertThat(envelope.signatures()).containsEntry("FL1tqiJ9", "Eo4GCosG===");
        assertThat(result.output().get(1).path("summary")).isEmpty();
    }

    @Test
    void anthropic() {
        // Synthetic, §1.12: thinking is not returned; text, a finish chunk, usage.
        StreamRun.Result result = chunks(
                ProviderProfile.ANTHROPIC,
                TestContexts.builder(),
                Chunks.role(),
                Chunks.text("<thinking> is an XML tag."),
                STOP,
                Chunks.usage(12, 6),
                "[DONE]");
        assertThat(types(result)).containsExactly("message");
        assertThat(text(result, 0)).isEqualTo("<thinking> is an XML tag.");
    }

    @Test
    void ollama() {
        // Synthetic, §1.13: reasoning, then the whole call in a chunk of its own, a separate
        // finish chunk, and the usage chunk before [DONE].
        StreamRun.Result result = chunks(
                ProviderProfile.OLLAMA,
                TestContexts.builder().function("exec_command"),
                Chunks.delta("{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"List.\"}"),
                Chunks.delta("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_k3j4h5g6\","
                        + "\"index\":0,\"type\":\"function\",\"function\":{\"name\":\"exec_command\","
                        + "\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                Chunks.finish("tool_calls"),
                Chunks.usage(20, 10),
                "[DONE]");
        assertThat(types(result)).containsExactly("reasoning", "function_call");
        assertThat(envelope(result.output().get(0)).provider()).isEqualTo("ollama");
        assertThat(healed).isEmpty();
    }

    @Test
    void lmStudio() {
        // lmstudio-stream-think-in-content.json holds the first two chunks ("<think>", "\n\n");
        // synthetic chunks of the same shape continue it.
        JsonNode first = JsonTestSupport.tree(Samples.text("dialects/lmstudio-stream-think-in-content.json"));
        List<String> payloads = new ArrayList<>();
        first.forEach(c -> payloads.add(c.toString()));
        payloads.add(Chunks.text("Greeting.</think>\n\nHi there"));
        payloads.add(STOP);
        payloads.add("[DONE]");
        StreamRun.Result result =
                chunks(ProviderProfile.LMSTUDIO, TestContexts.builder(), payloads.toArray(String[]::new));
        assertThat(envelope(result.output().get(0)).reasoningText()).isEqualTo("Greeting.");
        assertThat(text(result, 1)).isEqualTo("Hi there");
    }

    @Test
    void vllm() {
        // zen-vllm-stream-toolcall-null-continuations.json holds deltas only, each wrapped in a §0
        // chunk; a synthetic reasoning delta (vLLM 0.16+ field) leads, arguments and finish follow.
        JsonNode deltas =
                JsonTestSupport.tree(Samples.text("dialects/zen-vllm-stream-toolcall-null-continuations.json"));
        List<String> payloads = new ArrayList<>();
        payloads.add(Chunks.reasoning("reasoning", "Compute."));
        deltas.forEach(d -> payloads.add(Chunks.delta(d.path("delta").toString())));
        payloads.add(Chunks.delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\":1}\"}}]}"));
        payloads.add(Chunks.finish("tool_calls"));
        payloads.add("[DONE]");
        StreamRun.Result result = chunks(
                ProviderProfile.VLLM, TestContexts.builder().function("calculator"), payloads.toArray(String[]::new));
        assertThat(types(result)).containsExactly("reasoning", "function_call");
        assertThat(envelope(result.output().get(0)).provider()).isEqualTo("vllm");
        assertThat(result.output().get(1).path("call_id").asText()).isEqualTo("chatcmpl-tool-b4d3cf2ed9145904");
    }

    @Test
    void llamaCpp() {
        // Synthetic, §1.16: reasoning_content, then the server writes its error as an SSE field
        // named error, with the body of llamacpp-error-exceed-context.json (real).
        String error =
                Samples.text("dialects/llamacpp-error-exceed-context.json").strip();
        String body = sse(Chunks.reasoning("reasoning_content", "Long.")) + "error: " + error + "\n\n";
        StreamRun.Result result = sse(ProviderProfile.LLAMACPP, TestContexts.builder(), body);
        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.response().at("/error/code").asText()).isEqualTo("context_length_exceeded");
        assertThat(healed).containsExactly(HealingRule.SSE_ERROR_FIELD);
    }

    @Test
    void sglang() {
        // Four events from mid-stream; a synthetic stop ends it.
        StreamRun.Result result =
                sample(ProviderProfile.SGLANG, "sglang-stream-reasoning-content-explicit-nulls.sse", STOP);
        ReasoningEnvelope envelope = envelope(result.output().get(0));
        assertThat(envelope.provider()).isEqualTo("sglang");
        assertThat(envelope.reasoningText()).isEqualTo("2=4.");
    }

    @Test
    void localAi() {
        // localai-stream-2024-toolcall-first-chunk.json, then synthetic chunks in LocalAI's shape
        // (finish_reason "" until the end, the completion id restated as call id, zero usage).
        String first = JsonTestSupport.tree(Samples.text("dialects/localai-stream-2024-toolcall-first-chunk.json"))
                .toString();
        String arguments = "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"finish_reason\":\"\","
                + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"f5f63d03-9bd7-42ba-9e25-bfc35ed44f47\","
                + "\"type\":\"function\",\"function\":{\"arguments\":\"{\\\"location\\\":\\\"Boston\\\"}\"}}]}}],"
                + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}";
        StreamRun.Result result = chunks(
                ProviderProfile.LOCALAI,
                TestContexts.builder().function("get_current_weather"),
                first,
                arguments,
                Chunks.finish("tool_calls"),
                "[DONE]");
        assertThat(result.output().get(0).path("call_id").asText()).isEqualTo("f5f63d03-9bd7-42ba-9e25-bfc35ed44f47");
    }
}
