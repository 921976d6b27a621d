package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.fixtures.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How each way an upstream stream can end maps to a terminal event (docs/dialects.md rules 5, 6, 22, 38,
 * 41). Streams are synthetic, shaped after docs/dialects.md §0 unless a test names another section.
 */
class StreamMachineTerminalTest {
    @ParameterizedTest
    @ValueSource(strings = {"stop", "end_turn", "tool_calls", "function_call"})
    void finishReasonsThatCompleteTheResponse(String reason) {
        StreamRun.Result result =
                StreamRun.translate(TestContexts.plain(), Chunks.text("Done."), Chunks.finish(reason), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(result.response().path("status").asText()).isEqualTo("completed");
        assertThat(result.response().path("incomplete_details").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"length", "max_tokens"})
    void lengthLimitEndsIncompleteWithMaxOutputTokens(String reason) {
        StreamRun.Result result =
                StreamRun.translate(TestContexts.plain(), Chunks.text("Partial ans"), Chunks.finish(reason), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.response().path("status").asText()).isEqualTo("incomplete");
        assertThat(result.response().path("incomplete_details").path("reason").asText())
                .isEqualTo("max_output_tokens");
        // The partial message is still delivered (Codex displays it), marked incomplete.
        JsonNode message = result.output().get(0);
        assertThat(message.path("status").asText()).isEqualTo("incomplete");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Partial ans");
    }

    @Test
    void contentFilterEndsIncompleteWithContentFilter() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), Chunks.text("Some"), Chunks.finish("content_filter"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.response().path("incomplete_details").path("reason").asText())
                .isEqualTo("content_filter");
    }

    @Test
    void lengthLimitInsideAToolCallNeverAnnouncesTheCutOffCall() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("exec_command").build(),
                Chunks.text("Let me check."),
                Chunks.toolCall(0, "call_1", "exec_command", "{\"cmd\":\"ls"),
                Chunks.finish("length"),
                "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(result.output())
                .extracting(item -> item.path("type").asText())
                .containsExactly("message");
        assertThat(result.types()).doesNotContain(EventTypes.FUNCTION_CALL_ARGUMENTS_DONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"error", "insufficient_system_resource", "network_error"})
    void errorFinishReasonsFailTheResponse(String reason) {
        StreamRun.Result result =
                StreamRun.translate(TestContexts.plain(), Chunks.text("Half"), Chunks.finish(reason), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.response().path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(result.error().message()).contains(reason);
        // The half message stays unannounced: Codex keeps done items across its retry.
        assertThat(result.output()).isEmpty();
    }

    @Test
    void openRouterNativeFinishReasonErrorFailsTheResponse() {
        // Synthetic, shaped after docs/dialects.md §1.8 (OpenRouter): a benign finish_reason, but
        // native_finish_reason reports the upstream failure.
        String chunk = "{\"id\":\"gen-1\",\"provider\":\"Google\",\"model\":\"google/gemini\","
                + "\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                + "\"finish_reason\":\"stop\",\"native_finish_reason\":\"network_error\"}]}";
        StreamRun.Result result = StreamRun.translate(TestContexts.plain(), Chunks.text("Hi"), chunk, "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).contains("network_error");
    }

    @Test
    void endOfStreamWithoutFinishReasonFails() {
        StreamRun.Result result = StreamRun.translate(TestContexts.plain(), Chunks.role(), Chunks.text("Hel"));

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().code()).hasValue("server_error");
        assertThat(result.output()).isEmpty();
    }

    @Test
    void endOfStreamBeforeAnyChunkFails() {
        StreamRun.Result result = StreamRun.translate(TestContexts.plain());

        assertThat(result.types()).containsExactly(EventTypes.CREATED, EventTypes.IN_PROGRESS, EventTypes.FAILED);
        assertThat(result.error().message()).contains("without sending anything");
    }

    @Test
    void missingDoneAfterFinishReasonCompletesAndRecordsTheRepair() {
        TestContexts contexts = TestContexts.builder();
        StreamRun.Result result =
                StreamRun.translate(contexts.build(), Chunks.text("Hi"), Chunks.finish("stop"), Chunks.usage(3, 1));

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(contexts.healed()).containsExactly(HealingRule.MISSING_DONE);
    }

    @Test
    void missingDoneFailsWhenThatRepairIsDisabled() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().disable(HealingRule.MISSING_DONE).build(),
                Chunks.text("Hi"),
                Chunks.finish("stop"));

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
    }

    @Test
    void doneWithoutFinishReasonCompletesAsStopAndRecordsTheRepair() {
        TestContexts contexts = TestContexts.builder();
        StreamRun.Result result = StreamRun.translate(contexts.build(), Chunks.text("Hi"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(contexts.healed()).containsExactly(HealingRule.MISSING_FINISH_REASON);
    }

    @Test
    void usageAndTrailingChunksAfterTheFinishReasonAreAccepted() {
        // The usage-only chunk (OpenAI include_usage), xAI's trailing empty-choices chunk, and an
        // Azure content-filter chunk whose choice has no delta (docs/dialects.md rule 6, §1.1, §1.7).
        String azureFilter = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
                + "\"content_filter_offsets\":{\"check_offset\":0,\"start_offset\":0,\"end_offset\":2},"
                + "\"content_filter_results\":{}}]}";
        String xaiTrailing =
                "{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"grok\",\"choices\":[]}";
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.text("Hi"),
                Chunks.finish("stop"),
                azureFilter,
                Chunks.usage(12, 3),
                xaiTrailing,
                "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(result.response().path("usage").path("total_tokens").asLong())
                .isEqualTo(15);
    }

    @Test
    void outputAfterTheFinishReasonFails() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), Chunks.text("Hi"), Chunks.finish("stop"), Chunks.text(" again"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).contains("after finish_reason");
    }

    @Test
    void duplicateFinishReasonChunksAreAccepted() {
        // Old SGLang repeated the finish chunk; Gemini 3.5 sends STOP again in a trailing chunk.
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), Chunks.text("Hi"), Chunks.finish("stop"), Chunks.finish("stop"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
    }

    @Test
    void unparsableChunkFails() {
        StreamRun.Result result =
                StreamRun.translate(TestContexts.plain(), Chunks.text("Hi"), "{\"choices\":[{\"delta\":", "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).startsWith("upstream chunk 2 is unreadable");
    }

    @Test
    void chunkWithAnImpossibleFieldTypeFailsNamingThePath() {
        StreamRun.Result result = StreamRun.translate(TestContexts.plain(), Chunks.delta("{\"content\":42}"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).contains("/choices/0/delta/content");
    }

    @Test
    void errorObjectInsideTheStreamFails() {
        // Synthetic, shaped after docs/dialects.md §0 "Mid-stream error" and §1.6 (Groq tool_use_failed).
        String error = "{\"error\":{\"message\":\"Failed to call a function. Please adjust your prompt.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"tool_use_failed\"}}";
        StreamRun.Result result = StreamRun.translate(TestContexts.plain(), Chunks.text("Hi"), error);

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.response().path("error").path("code").asText()).isNotEmpty();
        assertThat(result.response().path("error").path("message").asText()).isNotEmpty();
        assertThat(result.output()).isEmpty();
    }

    @Test
    void vllmTopLevelErrorObjectFails() {
        // Synthetic, shaped after docs/dialects.md §1.15 (vLLM's old top-level error form).
        String error = "{\"object\":\"error\",\"message\":\"The model `x` does not exist.\","
                + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}";
        StreamRun.Result result = StreamRun.translate(TestContexts.plain(), error);

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.response().path("error").path("message").asText()).isNotEmpty();
    }

    @Test
    void llamaCppErrorEventFails() {
        // Synthetic, shaped after docs/dialects.md §1.16 and llamacpp-error-exceed-context.json: llama.cpp
        // writes `error: {json}`, which SseDecoder delivers as an event named error.
        TestContexts contexts = TestContexts.builder();
        StreamRun.Result result = StreamRun.of(contexts.build())
                .data(Chunks.text("Hi"))
                .event(SseEvent.of("error", Samples.text("dialects/llamacpp-error-exceed-context.json")))
                .end()
                .result();

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(contexts.healed()).containsExactly(HealingRule.SSE_ERROR_FIELD);
    }

    @Test
    void transportFailureMidStreamFails() {
        StreamRun.Result result = StreamRun.of(TestContexts.plain())
                .data(Chunks.text("Hi"))
                .failure(UpstreamFailure.transport("connection reset"))
                .result();

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.response().path("error").path("message").asText()).isNotEmpty();
        assertThat(result.machine().error()).isPresent();
    }

    @Test
    void failureBeforeStartStillEmitsAWellFormedStream() {
        StreamRun run = StreamRun.of(TestContexts.plain()).failure(UpstreamFailure.http(503, "overloaded"));

        assertThat(run.machine().hasStarted()).isTrue();
        assertThat(run.result().types()).containsExactly(EventTypes.CREATED, EventTypes.IN_PROGRESS, EventTypes.FAILED);
    }

    @Test
    void finishWithoutAnyOutputFails() {
        StreamRun.Result result =
                StreamRun.translate(TestContexts.plain(), Chunks.role(), Chunks.finish("stop"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).contains("without producing any output");
    }

    @Test
    void stopAfterToolCallsIsTreatedAsToolCalls() {
        // Gemini streams and forced tool_choice finish with stop after calls (docs/dialects.md rule 22).
        TestContexts contexts = TestContexts.builder().function("f");
        StreamRun.Result result = StreamRun.translate(
                contexts.build(), Chunks.toolCall(0, "c1", "f", "{}"), Chunks.finish("stop"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(result.output().get(0).path("type").asText()).isEqualTo("function_call");
        assertThat(contexts.healed()).containsExactly(HealingRule.TOOL_CALLS_FINISH_REASON);
    }

    @Test
    void toolCallThatNeverGotANameFailsInsteadOfBeingAnnounced() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(), Chunks.toolCall(0, "c1", null, "{}"), Chunks.finish("tool_calls"), "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).contains("never got a function name");
        assertThat(result.types()).doesNotContain(EventTypes.OUTPUT_ITEM_ADDED);
    }
}
