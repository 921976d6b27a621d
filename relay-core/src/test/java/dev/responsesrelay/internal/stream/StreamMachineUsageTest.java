package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.JsonTestSupport;
import org.junit.jupiter.api.Test;

/** Usage from wherever the upstream puts it (docs/dialects.md rule 39, docs/codex-wire.md §2.2). */
class StreamMachineUsageTest {
    private static JsonNode usageOf(StreamRun.Result result) {
        return result.response().path("usage");
    }

    @Test
    void usageIsZerosWhenTheUpstreamSentNone() {
        // Codex needs total_tokens for auto-compaction, so the object is always there.
        JsonNode usage =
                usageOf(StreamRun.translate(TestContexts.plain(), Chunks.text("Hi"), Chunks.finish("stop"), "[DONE]"));

        assertThat(usage.path("input_tokens").asLong(-1)).isZero();
        assertThat(usage.path("output_tokens").asLong(-1)).isZero();
        assertThat(usage.path("total_tokens").asLong(-1)).isZero();
        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong(-1))
                .isZero();
        assertThat(usage.path("output_tokens_details").path("reasoning_tokens").asLong(-1))
                .isZero();
    }

    @Test
    void openAiUsageChunkWithDetailsIsMapped() {
        // Synthetic, shaped after openai-nonstream-reasoning-gomodel.json's usage object.
        String usageChunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"o3\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":5000,\"completion_tokens\":85,\"total_tokens\":5085,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4096,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":64,\"audio_tokens\":0}}}";
        JsonNode usage = usageOf(StreamRun.translate(
                TestContexts.plain(), Chunks.text("4"), Chunks.finish("stop"), usageChunk, "[DONE]"));

        assertThat(usage.path("input_tokens").asLong()).isEqualTo(5000);
        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong())
                .isEqualTo(4096);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(85);
        assertThat(usage.path("output_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(64);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(5085);
    }

    @Test
    void deepSeekCacheHitTokensBecomeCachedTokens() {
        // Synthetic, shaped after docs/dialects.md §1.2 (prompt_cache_hit_tokens / _miss_tokens).
        String usageChunk =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"deepseek-chat\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":10,\"total_tokens\":910,"
                        + "\"prompt_cache_hit_tokens\":800,\"prompt_cache_miss_tokens\":100}}";
        JsonNode usage = usageOf(StreamRun.translate(
                TestContexts.plain(), Chunks.text("x"), Chunks.finish("stop"), usageChunk, "[DONE]"));

        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong())
                .isEqualTo(800);
    }

    @Test
    void usageInsideTheChoiceIsFoundAndRecorded() {
        TestContexts contexts = TestContexts.builder();
        JsonNode usage = usageOf(
                StreamRun.translateSse(contexts.build(), Samples.text("dialects/moonshot-stream-usage-in-choice.sse")));

        assertThat(usage.path("input_tokens").asLong()).isEqualTo(19);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(13);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(32);
        assertThat(contexts.healed()).contains(HealingRule.USAGE_ELSEWHERE);
    }

    @Test
    void usageElsewhereIsIgnoredWhenThatRepairIsDisabled() {
        JsonNode usage = usageOf(StreamRun.translateSse(
                TestContexts.builder().disable(HealingRule.USAGE_ELSEWHERE).build(),
                Samples.text("dialects/moonshot-stream-usage-in-choice.sse")));

        assertThat(usage.path("total_tokens").asLong(-1)).isZero();
    }

    @Test
    void groqXGroqUsageIsFound() {
        // groq-stream-final-chunk-x_groq-usage-2024.json (Groq 2024: usage only under x_groq).
        String finalChunk = JsonTestSupport.tree(
                        Samples.text("dialects/groq-stream-final-chunk-x_groq-usage-2024.json"))
                .toString();
        JsonNode usage = usageOf(StreamRun.translate(TestContexts.plain(), Chunks.text("Hello"), finalChunk, "[DONE]"));

        assertThat(usage.path("input_tokens").asLong()).isEqualTo(23);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(19);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(42);
    }

    @Test
    void theLastNonZeroUsageWinsOverLocalAiZeros() {
        // Synthetic, shaped after localai-stream-2024-no-finish-reason-usage-zeros.sse: zero usage on
        // every chunk, then a real one.
        String zeros = ",\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}";
        String text = Chunks.text("Hi");
        String finish = Chunks.finish("stop");
        String withZeros = text.substring(0, text.length() - 1) + zeros;
        String finishWithUsage = finish.substring(0, finish.length() - 1)
                + ",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}";
        String trailingZeros = Chunks.usage(0, 0);
        JsonNode usage = usageOf(StreamRun.translate(
                TestContexts.plain(), withZeros, withZeros, finishWithUsage, trailingZeros, "[DONE]"));

        assertThat(usage.path("total_tokens").asLong()).isEqualTo(9);
    }

    @Test
    void xaiReasoningTokensOutsideCompletionTokensAreCountedAsOutput() {
        // xai-nonstream-reasoning-content-gomodel.json's usage: 19 + 6 + 173 reasoning = 198 total.
        String usageChunk =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"grok-3-mini\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":6,\"total_tokens\":198,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":173}}}";
        JsonNode usage = usageOf(StreamRun.translate(
                TestContexts.plain(), Chunks.text("x"), Chunks.finish("stop"), usageChunk, "[DONE]"));

        assertThat(usage.path("output_tokens").asLong()).isEqualTo(179);
        assertThat(usage.path("output_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(173);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(198);
    }
}
