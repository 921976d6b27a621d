package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every place reasoning arrives (docs/dialects.md rules 10, 13, 14). */
class StreamMachineReasoningTest {
    @ParameterizedTest
    @ValueSource(strings = {"reasoning_content", "reasoning", "thinking"})
    void reasoningFieldsBecomeAReasoningSummary(String field) {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.reasoning(field, "Step one. "),
                Chunks.reasoning(field, "Step two."),
                Chunks.text("Answer."),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output().get(0).path("type").asText()).isEqualTo("reasoning");
        assertThat(result.output().get(0).path("summary").get(0).path("text").asText())
                .isEqualTo("Step one. Step two.");
        assertThat(result.output().get(1).path("type").asText()).isEqualTo("message");
    }

    @Test
    void sameTextInReasoningContentAndReasoningIsTakenOnce() {
        // Synthetic, shaped after docs/dialects.md §1.15: vLLM sent both fields during the rename.
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.delta("{\"reasoning_content\":\"Hmm.\",\"reasoning\":\"Hmm.\"}"),
                Chunks.text("Ok."),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output().get(0).path("summary").get(0).path("text").asText())
                .isEqualTo("Hmm.");
    }

    @Test
    void openRouterReasoningDetailsAreReadAndKeptInTheEnvelope() {
        // Synthetic, shaped after docs/dialects.md §1.8 (OpenRouter reasoning + reasoning_details).
        String thinking = Chunks.delta("{\"reasoning\":\"Plan.\",\"reasoning_details\":[{\"type\":\"reasoning.text\","
                + "\"text\":\"Plan.\",\"format\":\"anthropic-claude-v1\",\"index\":0}]}");
        String signature = Chunks.delta("{\"reasoning_details\":[{\"type\":\"reasoning.encrypted\","
                + "\"data\":\"c2lnbmF0dXJl\",\"format\":\"anthropic-claude-v1\",\"index\":1}]}");
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), thinking, signature, Chunks.text("Done."), Chunks.finish("stop"), "[DONE]");

        var reasoning = result.output().get(0);
        assertThat(reasoning.path("summary").get(0).path("text").asText()).isEqualTo("Plan.");
        ReasoningEnvelope envelope =
                ReasoningEnvelope.decode(reasoning.path("encrypted_content").asText());
        assertThat(envelope).isNotNull();
        assertThat(envelope.reasoningText()).isEqualTo("Plan.");
        assertThat(envelope.details()).hasSize(2);
        assertThat(envelope.details().get(1).path("type").asText()).isEqualTo("reasoning.encrypted");
        assertThat(envelope.details().get(1).path("data").asText()).isEqualTo("c2lnbmF0dXJl");
    }

    @Test
    void mistralContentBlocksAreFlattened() {
        // Synthetic, shaped after docs/dialects.md §1.5 (Magistral content arrays).
        TestContexts contexts = TestContexts.builder();
        StreamRun.Result result = StreamRun.translate(
                contexts.build(),
                Chunks.delta(
                        "{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"Let me see.\"}]}]}"),
                Chunks.delta("{\"content\":[{\"type\":\"text\",\"text\":\"Four.\"}]}"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output().get(0).path("summary").get(0).path("text").asText())
                .isEqualTo("Let me see.");
        assertThat(result.output().get(1).path("content").get(0).path("text").asText())
                .isEqualTo("Four.");
        assertThat(contexts.healed()).containsExactly(HealingRule.CONTENT_BLOCKS);
    }

    @Test
    void thinkTagsInContentBecomeReasoningEvenWhenSplitAcrossChunks() {
        // Synthetic, shaped after lmstudio-stream-think-in-content.json (LM Studio, docs/dialects.md §1.14).
        TestContexts contexts = TestContexts.builder();
        StreamRun.Result result = StreamRun.translate(
                contexts.build(),
                Chunks.text("<thi"),
                Chunks.text("nk>\n\nThe user greets"),
                Chunks.text(" me.</th"),
                Chunks.text("ink>\n\nHello!"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output()).hasSize(2);
        assertThat(result.output().get(0).path("summary").get(0).path("text").asText())
                .isEqualTo("The user greets me.");
        assertThat(result.output().get(1).path("content").get(0).path("text").asText())
                .isEqualTo("Hello!");
        assertThat(contexts.healed()).containsExactly(HealingRule.THINK_TAGS);
    }

    @Test
    void loneLeadingCloseTagIsDropped() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), Chunks.text("</think>\n\nHi"), Chunks.finish("stop"), "[DONE]");

        assertThat(result.output()).hasSize(1);
        assertThat(result.output().get(0).path("content").get(0).path("text").asText())
                .isEqualTo("Hi");
    }

    @Test
    void thinkTagsStayTextWhenTheProviderSeparatesReasoning() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.reasoning("reasoning_content", "Thinking"),
                Chunks.text("<think>literal</think>"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output().get(1).path("content").get(0).path("text").asText())
                .isEqualTo("<think>literal</think>");
    }

    @Test
    void thinkTagsStayTextWhenTheProfileSaysSo() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder()
                        .provider(ProviderProfile.builder("plain")
                                .thinkTagsInContent(false)
                                .build())
                        .build(),
                Chunks.text("<think>x</think>y"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output()).hasSize(1);
        assertThat(result.output().get(0).path("content").get(0).path("text").asText())
                .isEqualTo("<think>x</think>y");
    }

    @Test
    void unterminatedThinkBlockIsReasoning() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), Chunks.text("<think>still thinking"), Chunks.finish("length"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.output().get(0).path("type").asText()).isEqualTo("reasoning");
        assertThat(result.output().get(0).path("summary").get(0).path("text").asText())
                .isEqualTo("still thinking");
    }

    @Test
    void reasoningAfterTextOpensANewReasoningItem() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.text("A"),
                Chunks.reasoning("reasoning_content", "B"),
                Chunks.text("C"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.output())
                .extracting(item -> item.path("type").asText())
                .containsExactly("message", "reasoning", "message");
    }
}
