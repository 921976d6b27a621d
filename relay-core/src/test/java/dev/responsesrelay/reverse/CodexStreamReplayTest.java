package dev.responsesrelay.reverse;

import static dev.responsesrelay.reverse.Fixtures.codexSse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.completions.CompletionUsage;
import dev.responsesrelay.ChatCompletionsTranslator;
import dev.responsesrelay.ChatTranslation;
import org.junit.jupiter.api.Test;

/**
 * The real Responses streams Codex 0.169 accepted ({@code codex-0.169.0/sse/*.sse}) replayed to a
 * Chat Completions client: each must come out as the chat completion a client expects.
 */
class CodexStreamReplayTest {
    private static ChatStreamCheck.Outcome replay(String file) {
        ChatTranslation translation = Fixtures.streaming();
        return ChatStreamCheck.replay(translation.newStream(), codexSse(file), "reasoning_content");
    }

    @Test
    void plainTextBecomesContentWithUsage() {
        ChatStreamCheck.Outcome outcome = replay("01_plain_text.sse");

        assertThat(outcome.content()).isEqualTo("Hello there.");
        assertThat(outcome.finishReason()).isEqualTo("stop");
        assertThat(outcome.toolCalls()).isEmpty();
        CompletionUsage usage = outcome.completion().usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(5000);
        assertThat(usage.completionTokens()).isEqualTo(5);
        assertThat(usage.totalTokens()).isEqualTo(5005);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(0L);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens())
                .contains(0L);
    }

    @Test
    void reasoningSummaryThenTextStreamsReasoningOnce() {
        ChatStreamCheck.Outcome outcome = replay("02_reasoning_plus_text.sse");

        // The summary streams first, so it is the reasoning the client sees; the raw text that
        // follows for the same item would repeat it and is dropped.
        assertThat(outcome.reasoning()).isEqualTo("**Thinking about greeting**\n\nThe user wants a hello.");
        assertThat(outcome.content()).isEqualTo("Hello!");
        assertThat(outcome.completion()
                        .usage()
                        .orElseThrow()
                        .completionTokensDetails()
                        .orElseThrow()
                        .reasoningTokens())
                .contains(40L);
    }

    @Test
    void functionCallTurnEndsWithToolCalls() {
        ChatStreamCheck.Outcome outcome = replay("03_function_call_turn1.sse");

        assertThat(outcome.finishReason()).isEqualTo("tool_calls");
        assertThat(outcome.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_1");
            assertThat(call.function().name()).isEqualTo("exec_command");
            assertThat(call.function().arguments()).isEqualTo("{\"cmd\": \"echo hi\"}");
        });
        assertThat(outcome.reasoning()).isEqualTo("**Running echo**\n\nI will run echo.");
        assertThat(outcome.completion()
                        .usage()
                        .orElseThrow()
                        .promptTokensDetails()
                        .orElseThrow()
                        .cachedTokens())
                .contains(4000L);
    }

    @Test
    void finalAnswerTurnIsText() {
        ChatStreamCheck.Outcome outcome = replay("03_function_call_turn2_final.sse");

        assertThat(outcome.content()).isEqualTo("The command printed hi.");
        assertThat(outcome.finishReason()).isEqualTo("stop");
    }

    @Test
    void customToolInputArrivesAsJsonArguments() {
        ChatStreamCheck.Outcome outcome = replay("04_custom_tool_call_apply_patch.sse");

        assertThat(outcome.finishReason()).isEqualTo("tool_calls");
        assertThat(outcome.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_patch_1");
            assertThat(call.function().name()).isEqualTo("apply_patch");
            JsonNode arguments = ChatStreamCheck.tree(call.function().arguments());
            assertThat(arguments.size()).isEqualTo(1);
            assertThat(arguments.path("input").textValue())
                    .isEqualTo("*** Begin Patch\n*** Add File: hello.txt\n+hello world\n*** End Patch\n");
        });
    }

    @Test
    void parallelCallsAfterTextGetTheirOwnIndexes() {
        ChatStreamCheck.Outcome outcome = replay("05_parallel_function_calls.sse");

        assertThat(outcome.content()).isEqualTo("I'll run two commands.");
        assertThat(outcome.finishReason()).isEqualTo("tool_calls");
        assertThat(outcome.toolCalls()).hasSize(2);
        assertThat(outcome.toolCalls().get(0).id()).isEqualTo("call_a");
        assertThat(outcome.toolCalls().get(0).function().arguments()).isEqualTo("{\"cmd\": \"echo one\"}");
        assertThat(outcome.toolCalls().get(1).id()).isEqualTo("call_b");
        assertThat(outcome.toolCalls().get(1).function().arguments()).isEqualTo("{\"cmd\": \"echo two\"}");
    }

    @Test
    void namespacedCallJoinsNamespaceAndName() {
        ChatStreamCheck.Outcome outcome = replay("06_mcp_namespaced_function_call.sse");

        assertThat(outcome.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.function().name()).isEqualTo("mcp__echo__echo_text");
            assertThat(call.function().arguments()).isEqualTo("{\"text\": \"ping\"}");
        });
    }

    @Test
    void minimalStreamWithOnlyTheFinishedItemStillDeliversText() {
        ChatStreamCheck.Outcome outcome = replay("07_minimal_accepted.sse");

        assertThat(outcome.content()).isEqualTo("minimal ok");
        assertThat(outcome.finishReason()).isEqualTo("stop");
        // The upstream reported no usage; the relay sends none rather than invented zeros.
        assertThat(outcome.completion().usage()).isEmpty();
    }

    @Test
    void reasoningFieldCanBeRenamed() {
        ChatTranslation translation = ChatCompletionsTranslator.builder()
                .reasoningField("reasoning")
                .clock(Fixtures.CLOCK)
                .build()
                .translate(Fixtures.STREAMING_REQUEST);

        ChatStreamCheck.Outcome outcome =
                ChatStreamCheck.replay(translation.newStream(), codexSse("02_reasoning_plus_text.sse"), "reasoning");

        assertThat(outcome.reasoning()).isEqualTo("**Thinking about greeting**\n\nThe user wants a hello.");
        assertThat(outcome.payloads()).noneMatch(p -> p.contains("reasoning_content"));
    }
}
