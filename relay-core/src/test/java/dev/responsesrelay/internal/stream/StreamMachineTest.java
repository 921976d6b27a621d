package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonTestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The basic lifecycle and item rules, on synthetic streams shaped after docs/dialects.md §0 (OpenAI). */
class StreamMachineTest {
    @Test
    void startEmitsCreatedAndInProgressAtOnceAndOnlyOnce() {
        StreamRun run = StreamRun.of(TestContexts.plain()).start();
        List<SseEvent> first = run.eventsSoFar();
        assertThat(first).extracting(SseEvent::event).containsExactly(EventTypes.CREATED, EventTypes.IN_PROGRESS);
        assertThat(run.machine().hasStarted()).isTrue();
        assertThat(run.machine().start()).isEmpty();

        StreamRun.Result result = run.chunks(Chunks.role(), Chunks.text("Hi"), Chunks.finish("stop"))
                .done()
                .result();
        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
    }

    @Test
    void createdCarriesACompleteResponseObjectWithTheClientsModel() {
        ObjectNode echo = Json.MAPPER.createObjectNode();
        echo.put("store", false);
        echo.put("tool_choice", "auto");
        echo.set("reasoning", Json.MAPPER.createObjectNode().put("summary", "auto"));
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().echo(echo).build(), Chunks.text("Hi"), Chunks.finish("stop"), "[DONE]");

        JsonNode created = StreamRun.Result.json(result.events().get(0)).path("response");
        assertThat(created.path("id").asText()).isEqualTo(TestContexts.RESPONSE_ID);
        assertThat(created.path("object").asText()).isEqualTo("response");
        assertThat(created.path("created_at").asLong()).isEqualTo(TestContexts.CREATED_AT);
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        // The client's model, never the upstream's ("upstream-model" in the chunks).
        assertThat(created.path("model").asText()).isEqualTo(TestContexts.MODEL);
        assertThat(created.path("output")).isEmpty();
        assertThat(created.path("usage").isNull()).isTrue();
        assertThat(created.path("error").isNull()).isTrue();
        assertThat(created.path("incomplete_details").isNull()).isTrue();
        assertThat(created.path("store").asBoolean(true)).isFalse();
        assertThat(created.path("reasoning").path("summary").asText()).isEqualTo("auto");
        assertThat(result.response().path("model").asText()).isEqualTo(TestContexts.MODEL);
        assertThat(result.sdkResponse().id()).isEqualTo(TestContexts.RESPONSE_ID);
    }

    @Test
    void plainTextBecomesOneMessageItem() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.role(),
                Chunks.text("Hello"),
                Chunks.text(", world"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.types())
                .containsExactly(
                        EventTypes.CREATED,
                        EventTypes.IN_PROGRESS,
                        EventTypes.OUTPUT_ITEM_ADDED,
                        EventTypes.CONTENT_PART_ADDED,
                        EventTypes.OUTPUT_TEXT_DELTA,
                        EventTypes.OUTPUT_TEXT_DELTA,
                        EventTypes.OUTPUT_TEXT_DONE,
                        EventTypes.CONTENT_PART_DONE,
                        EventTypes.OUTPUT_ITEM_DONE,
                        EventTypes.COMPLETED);
        assertThat(result.output()).hasSize(1);
        JsonNode message = result.output().get(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("status").asText()).isEqualTo("completed");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Hello, world");
        assertThat(result.sdkResponse()
                        .output()
                        .get(0)
                        .asMessage()
                        .content()
                        .get(0)
                        .asOutputText()
                        .text())
                .isEqualTo("Hello, world");
    }

    @Test
    void reasoningThenTextClosesReasoningBeforeTheMessageOpens() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.reasoning("reasoning_content", "Think"),
                Chunks.reasoning("reasoning_content", "ing."),
                Chunks.text("Answer"),
                Chunks.finish("stop"),
                "[DONE]");

        assertThat(result.types())
                .containsSubsequence(
                        EventTypes.OUTPUT_ITEM_ADDED,
                        EventTypes.REASONING_SUMMARY_PART_ADDED,
                        EventTypes.REASONING_SUMMARY_TEXT_DELTA,
                        EventTypes.REASONING_SUMMARY_TEXT_DELTA,
                        EventTypes.REASONING_SUMMARY_TEXT_DONE,
                        EventTypes.REASONING_SUMMARY_PART_DONE,
                        EventTypes.OUTPUT_ITEM_DONE,
                        EventTypes.OUTPUT_ITEM_ADDED,
                        EventTypes.CONTENT_PART_ADDED);
        JsonNode reasoning = result.output().get(0);
        assertThat(reasoning.path("type").asText()).isEqualTo("reasoning");
        assertThat(reasoning.path("summary").get(0).path("type").asText()).isEqualTo("summary_text");
        assertThat(reasoning.path("summary").get(0).path("text").asText()).isEqualTo("Thinking.");
        assertThat(result.output().get(1).path("content").get(0).path("text").asText())
                .isEqualTo("Answer");
        JsonNode added = result.all(EventTypes.OUTPUT_ITEM_ADDED).get(0).path("item");
        assertThat(added.path("summary").isArray()).isTrue();
        assertThat(added.path("summary")).isEmpty();
        assertThat(result.all(EventTypes.REASONING_SUMMARY_TEXT_DELTA))
                .allSatisfy(e -> assertThat(e.path("summary_index").asInt(-1)).isZero());
    }

    @Test
    void toolCallAfterTextClosesMessageItem() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("exec_command").build(),
                Chunks.text("Running it."),
                Chunks.toolCall(0, "call_1", "exec_command", ""),
                Chunks.toolCall(0, null, null, "{\"cmd\":"),
                Chunks.toolCall(0, null, null, "\"echo hi\"}"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        List<String> types = result.types();
        int messageDone = types.indexOf(EventTypes.OUTPUT_ITEM_DONE);
        int callAdded = types.lastIndexOf(EventTypes.OUTPUT_ITEM_ADDED);
        assertThat(messageDone).isLessThan(callAdded);
        JsonNode call = result.output().get(1);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("id").asText()).startsWith("fc_");
        assertThat(call.path("call_id").asText()).isEqualTo("call_1");
        assertThat(call.path("name").asText()).isEqualTo("exec_command");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"cmd\":\"echo hi\"}");
        assertThat(call.path("status").asText()).isEqualTo("completed");
        assertThat(result.joinedDeltas(EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA))
                .isEqualTo("{\"cmd\":\"echo hi\"}");
        assertThat(result.all(EventTypes.FUNCTION_CALL_ARGUMENTS_DONE)
                        .get(0)
                        .path("name")
                        .asText())
                .isEqualTo("exec_command");
    }

    @Test
    void toolCallArgumentsStreamLiveButItsDoneWaitsForTheEndOfTheStream() {
        StreamRun run = StreamRun.of(
                        TestContexts.builder().function("exec_command").build())
                .chunks(
                        Chunks.toolCall(0, "call_1", "exec_command", "{\"cmd\":"),
                        Chunks.toolCall(0, null, null, "1}"));
        assertThat(run.eventsSoFar())
                .extracting(SseEvent::event)
                .contains(EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA)
                .doesNotContain(EventTypes.FUNCTION_CALL_ARGUMENTS_DONE, EventTypes.OUTPUT_ITEM_DONE);

        run.data(Chunks.finish("tool_calls"));
        // The finish reason alone does not prove the stream complete: [DONE] or EOF must follow.
        assertThat(run.eventsSoFar()).extracting(SseEvent::event).doesNotContain(EventTypes.OUTPUT_ITEM_DONE);

        StreamRun.Result result = run.done().result();
        assertThat(result.types())
                .endsWith(EventTypes.FUNCTION_CALL_ARGUMENTS_DONE, EventTypes.OUTPUT_ITEM_DONE, EventTypes.COMPLETED);
    }

    @Test
    void truncatedToolCallFailsWithoutAnnouncingTheCallAsDone() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("exec_command").build(),
                Chunks.toolCall(0, "call_1", "exec_command", "{\"cmd\":\"rm -rf /tmp/x"));

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.types()).doesNotContain(EventTypes.OUTPUT_ITEM_DONE, EventTypes.FUNCTION_CALL_ARGUMENTS_DONE);
        assertThat(result.output()).isEmpty();
        assertThat(result.response().path("status").asText()).isEqualTo("failed");
        assertThat(result.response().path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(result.error().message()).contains("cut off");
    }

    @Test
    void parallelToolCallsOpenOneAtATimeInOrder() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("exec_command").build(),
                Chunks.toolCall(0, "call_a", "exec_command", "{\"cmd\":\"echo one\"}"),
                Chunks.toolCall(1, "call_b", "exec_command", "{\"cmd\":"),
                Chunks.toolCall(1, null, null, "\"echo two\"}"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.output()).hasSize(2);
        assertThat(result.output().get(0).path("call_id").asText()).isEqualTo("call_a");
        assertThat(result.output().get(0).path("arguments").asText()).isEqualTo("{\"cmd\":\"echo one\"}");
        assertThat(result.output().get(1).path("call_id").asText()).isEqualTo("call_b");
        assertThat(result.output().get(1).path("arguments").asText()).isEqualTo("{\"cmd\":\"echo two\"}");
    }

    @Test
    void interleavedToolCallDeltasAreAssembledByIndex() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("read").build(),
                Chunks.toolCall(0, "call_a", "read", "{\"p\":"),
                Chunks.toolCall(1, "call_b", "read", "{\"p\":"),
                Chunks.toolCall(0, null, null, "\"a\"}"),
                Chunks.toolCall(1, null, null, "\"b\"}"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.output())
                .extracting(item -> item.path("arguments").asText())
                .containsExactly("{\"p\":\"a\"}", "{\"p\":\"b\"}");
    }

    @Test
    void textAfterToolCallsIsKeptInOrderAfterTheCalls() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().function("exec_command").build(),
                Chunks.text("First."),
                Chunks.toolCall(0, "call_1", "exec_command", "{}"),
                Chunks.text("Then more text."),
                Chunks.reasoning("reasoning_content", "and a thought"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.output())
                .extracting(item -> item.path("type").asText())
                .containsExactly("message", "function_call", "message", "reasoning");
        assertThat(result.output().get(2).path("content").get(0).path("text").asText())
                .isEqualTo("Then more text.");
    }

    @Test
    void namespacedCallRestoresNamespaceAndName() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder()
                        .namespaced("mcp__echo__echo_text", "mcp__echo", "echo_text")
                        .build(),
                Chunks.toolCall(0, "call_mcp", "mcp__echo__echo_text", "{\"text\":\"ping\"}"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        JsonNode call = result.output().get(0);
        assertThat(call.path("name").asText()).isEqualTo("echo_text");
        assertThat(call.path("namespace").asText()).isEqualTo("mcp__echo");
        JsonNode added = result.all(EventTypes.OUTPUT_ITEM_ADDED).get(0).path("item");
        assertThat(added.path("namespace").asText()).isEqualTo("mcp__echo");
        assertThat(result.sdkResponse().output().get(0).asFunctionCall().namespace())
                .hasValue("mcp__echo");
    }

    @Test
    void customToolBecomesCustomToolCallWithRawInputStreamedLive() {
        String patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello \"world\"\n*** End Patch\n";
        String arguments = "{\"input\":" + Chunks.quote(patch) + "}";
        StreamRun run = StreamRun.of(
                        TestContexts.builder().custom("apply_patch", "input").build())
                .data(Chunks.toolCall(0, "call_patch", "apply_patch", ""));
        for (int i = 0; i < arguments.length(); i += 7) {
            run.data(Chunks.toolCall(0, null, null, arguments.substring(i, Math.min(arguments.length(), i + 7))));
        }
        StreamRun.Result result = run.data(Chunks.finish("tool_calls")).done().result();

        JsonNode call = result.output().get(0);
        assertThat(call.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(call.path("id").asText()).startsWith("ctc_");
        assertThat(call.path("name").asText()).isEqualTo("apply_patch");
        assertThat(call.path("call_id").asText()).isEqualTo("call_patch");
        assertThat(call.path("input").asText()).isEqualTo(patch);
        assertThat(result.types()).doesNotContain(EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA);
        // Live: the decoded patch arrives in several deltas, before the stream ended.
        assertThat(result.all(EventTypes.CUSTOM_TOOL_CALL_INPUT_DELTA).size()).isGreaterThan(5);
        assertThat(result.joinedDeltas(EventTypes.CUSTOM_TOOL_CALL_INPUT_DELTA)).isEqualTo(patch);
        assertThat(result.sdkResponse().output().get(0).asCustomToolCall().input())
                .isEqualTo(patch);
    }

    @Test
    void customToolWhoseModelWroteTheInputRawIsRepaired() {
        TestContexts contexts = TestContexts.builder().custom("apply_patch", "input");
        StreamRun.Result result = StreamRun.translate(
                contexts.build(),
                Chunks.toolCall(0, "call_patch", "apply_patch", "*** Begin Patch\n*** End Patch\n"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.output().get(0).path("input").asText()).isEqualTo("*** Begin Patch\n*** End Patch\n");
        assertThat(contexts.healed()).contains(HealingRule.RAW_CUSTOM_TOOL_INPUT);
    }

    @Test
    void unknownFunctionIsStillAFunctionCallAndRecordsAHealingEvent() {
        TestContexts contexts = TestContexts.builder().function("exec_command");
        StreamRun.Result result = StreamRun.translate(
                contexts.build(),
                Chunks.toolCall(0, "call_1", "multi_agent_v1.close_agent", "{}"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.COMPLETED);
        assertThat(result.output().get(0).path("name").asText()).isEqualTo("multi_agent_v1.close_agent");
        assertThat(contexts.healed()).containsExactly(HealingRule.UNKNOWN_TOOL);
    }

    @Test
    void unknownFunctionFailsWhenThatRepairIsDisabled() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.builder().disable(HealingRule.UNKNOWN_TOOL).build(),
                Chunks.toolCall(0, "call_1", "spawn_agent", "{}"),
                Chunks.finish("tool_calls"),
                "[DONE]");

        assertThat(result.terminalType()).isEqualTo(EventTypes.FAILED);
        assertThat(result.error().message()).contains("spawn_agent");
    }

    @Test
    void emptyArgumentsBecomeAnEmptyObject() {
        TestContexts contexts = TestContexts.builder().function("get_goal");
        StreamRun.Result result = StreamRun.translate(
                contexts.build(), Chunks.toolCall(0, "call_1", "get_goal", ""), Chunks.finish("tool_calls"), "[DONE]");

        assertThat(result.output().get(0).path("arguments").asText()).isEqualTo("{}");
        assertThat(contexts.healed()).containsExactly(HealingRule.EMPTY_TOOL_ARGUMENTS);
    }

    @Test
    void everyMethodReturnsNothingAfterTheTerminalEvent() {
        StreamRun run = StreamRun.of(TestContexts.plain())
                .chunks(Chunks.text("x"), Chunks.finish("stop"))
                .done();
        StreamMachine machine = run.machine();
        assertThat(machine.isTerminal()).isTrue();

        assertThat(machine.start()).isEmpty();
        assertThat(machine.onData(Chunks.usage(1, 1))).isEmpty();
        assertThat(machine.onData("[DONE]")).isEmpty();
        assertThat(machine.onEvent(SseEvent.of("error", "{}"))).isEmpty();
        assertThat(machine.onEnd()).isEmpty();
        assertThat(machine.onFailure(dev.responsesrelay.UpstreamFailure.transport("late")))
                .isEmpty();
        assertThat(run.result().terminalType()).isEqualTo(EventTypes.COMPLETED);
    }

    @Test
    void responseJsonIsTheTerminalResponseObject() {
        StreamRun.Result result =
                StreamRun.translate(TestContexts.plain(), Chunks.text("x"), Chunks.finish("stop"), "[DONE]");

        assertThat(result.machine().responseJson()).isPresent();
        assertThat(JsonTestSupport.tree(result.machine().responseJson().get())).isEqualTo(result.response());
        assertThat(result.machine().error()).isEmpty();
    }

    @Test
    void sameInputGivesTheSameEvents() {
        String[] payloads = {
            Chunks.reasoning("reasoning_content", "hmm"),
            Chunks.text("Hi"),
            Chunks.toolCall(0, null, "f", "{}"),
            Chunks.finish("tool_calls"),
            Chunks.usage(10, 5),
            "[DONE]"
        };
        StreamRun.Result first =
                StreamRun.translate(TestContexts.builder().function("f").build(), payloads);
        StreamRun.Result second =
                StreamRun.translate(TestContexts.builder().function("f").build(), payloads);

        assertThat(second.events()).isEqualTo(first.events());
    }

    @Test
    void toolCallWithoutIdGetsASynthesisedCallId() {
        TestContexts contexts = TestContexts.builder().function("f");
        StreamRun.Result result = StreamRun.translate(
                contexts.build(), Chunks.toolCall(0, null, "f", "{}"), Chunks.finish("tool_calls"), "[DONE]");

        assertThat(result.output().get(0).path("call_id").asText()).startsWith("call_");
        assertThat(contexts.healed()).containsExactly(HealingRule.SYNTHESISED_TOOL_CALL_ID);
    }
}
