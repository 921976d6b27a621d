package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.JsonTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The bound on what one answer accumulates (issue 18): a runaway answer (a local model looping)
 * ends in {@code response.incomplete} once its text, reasoning or arguments pass {@link
 * StreamContext#maxOutputChars()}, instead of growing until building the terminal response runs
 * out of memory. Streams are synthetic, shaped after docs/dialects.md §0 ({@link Chunks}).
 */
class StreamMachineOutputBoundTest {
    private static final int BOUND = 1000;

    @Test
    void runawayTextEndsIncompleteOnceItPassesTheBound() {
        StreamRun run = StreamRun.of(
                        TestContexts.builder().maxOutputChars(BOUND).build())
                .start();
        int fed = 0;
        while (!run.machine().isTerminal() && fed < 10 * BOUND) {
            run.data(Chunks.text("loop "));
            fed++;
        }
        // Further chunks are ignored: the stream is terminal, and the server stops reading it.
        assertThat(run.machine().onData(Chunks.text("more"))).isEmpty();
        StreamRun.Result result = run.end().result();

        assertThat(fed).isEqualTo(BOUND / 5 + 1);
        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.response().path("incomplete_details").path("reason").asText())
                .isEqualTo("max_output_tokens");
        JsonNode message = result.output().get(0);
        assertThat(message.path("status").asText()).isEqualTo("incomplete");
        String text = message.path("content").get(0).path("text").asText();
        assertThat(text).hasSize(BOUND + 5).startsWith("loop loop ");
    }

    @Test
    void runawayReasoningEndsIncomplete() {
        StreamRun run = StreamRun.of(
                        TestContexts.builder().maxOutputChars(BOUND).build())
                .start();
        for (int i = 0; i < 10 * BOUND && !run.machine().isTerminal(); i++) {
            run.data(Chunks.reasoning("reasoning_content", "think "));
        }
        StreamRun.Result result = run.end().result();

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.response().path("incomplete_details").path("reason").asText())
                .isEqualTo("max_output_tokens");
    }

    @Test
    void runawayToolArgumentsEndIncompleteWithoutFinishingTheCall() {
        StreamRun run = StreamRun.of(TestContexts.builder()
                        .function("exec_command")
                        .maxOutputChars(BOUND)
                        .build())
                .start()
                .data(Chunks.toolCall(0, "call_1", "exec_command", "{\"cmd\":\""));
        for (int i = 0; i < 10 * BOUND && !run.machine().isTerminal(); i++) {
            run.data(Chunks.toolCall(0, null, null, "aaaaaaaaaa"));
        }
        StreamRun.Result result = run.end().result();

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        // Codex executes whatever arrives in output_item.done: a cut-off call must never get one.
        assertThat(result.all(EventTypes.OUTPUT_ITEM_DONE)).isEmpty();
        assertThat(result.output()).isEmpty();
    }

    @Test
    void anAnswerUpToTheBoundCompletes() {
        String text = "x".repeat(BOUND);
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().maxOutputChars(BOUND).build(),
                Chunks.text(text),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(result.output().get(0).path("content").get(0).path("text").asText())
                .isEqualTo(text);
    }

    @Test
    void aNonStreamingAnswerPastTheBoundIsIncomplete() {
        String completion = "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"upstream-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + Chunks.quote("y".repeat(BOUND + 1)) + "},\"finish_reason\":\"stop\"}]}";

        JsonNode response = JsonTestSupport.tree(CompletionMapper.toResponse(
                completion, TestContexts.builder().maxOutputChars(BOUND).build()));

        assertThat(response.path("status").asText()).isEqualTo("incomplete");
        assertThat(response.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
    }

    /**
     * Issue 18: a non-streamed runaway answer is held no further than a stream is: its text is cut
     * one char past the bound, so the terminal response does not repeat all of it.
     */
    @Test
    void aNonStreamingRunawayAnswerKeepsNoMoreThanTheBound() {
        String completion = "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"upstream-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"reasoning_content\":" + Chunks.quote("r".repeat(BOUND / 2)) + ",\"content\":"
                + Chunks.quote("y".repeat(BOUND * 50)) + "},\"finish_reason\":\"stop\"}]}";

        JsonNode response = JsonTestSupport.tree(CompletionMapper.toResponse(
                completion, TestContexts.builder().maxOutputChars(BOUND).build()));

        assertThat(response.path("status").asText()).isEqualTo("incomplete");
        assertThat(response.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        JsonNode message = response.path("output").get(response.path("output").size() - 1);
        assertThat(message.at("/content/0/text").asText()).hasSize(BOUND / 2 + 1);
    }
}
