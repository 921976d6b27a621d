package dev.responsesrelay.reverse;

import static dev.responsesrelay.reverse.ResponsesEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.responsesrelay.ChatCompletionStream;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Responses events to chat.completion.chunk, on synthetic streams built by {@link ResponsesEvents}
 * (each event validated against openai-java's model). Every stream is read by {@link
 * ChatStreamCheck}, which accumulates it with openai-java's ChatCompletionAccumulator.
 */
class ChatCompletionStreamTest {
    private static final String REASONING = "reasoning_content";

    private static ChatStreamCheck.Outcome run(ResponsesEvents events) {
        return ChatStreamCheck.feed(Fixtures.streaming().newStream(), events.data(), REASONING);
    }

    @Test
    void parallelCallsWithInterleavedDeltasNeverShareAnIndex() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_a", "call_a", "read_file")
                .functionCallAdded(1, "fc_b", "call_b", "list_dir")
                .argumentsDelta(0, "fc_a", "{\"path\":")
                .argumentsDelta(1, "fc_b", "{\"dir\":")
                .argumentsDelta(1, "fc_b", "\"src\"}")
                .argumentsDelta(0, "fc_a", "\"a.txt\"}")
                .argumentsDone(1, "fc_b", "list_dir", "{\"dir\":\"src\"}")
                .argumentsDone(0, "fc_a", "read_file", "{\"path\":\"a.txt\"}")
                .functionCallDone(1, "fc_b", "call_b", "list_dir", "{\"dir\":\"src\"}")
                .functionCallDone(0, "fc_a", "call_a", "read_file", "{\"path\":\"a.txt\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.finishReason()).isEqualTo("tool_calls");
        assertThat(outcome.toolCalls()).hasSize(2);
        assertThat(outcome.toolCalls().get(0).id()).isEqualTo("call_a");
        assertThat(outcome.toolCalls().get(0).function().name()).isEqualTo("read_file");
        assertThat(outcome.toolCalls().get(0).function().arguments()).isEqualTo("{\"path\":\"a.txt\"}");
        assertThat(outcome.toolCalls().get(1).id()).isEqualTo("call_b");
        assertThat(outcome.toolCalls().get(1).function().name()).isEqualTo("list_dir");
        assertThat(outcome.toolCalls().get(1).function().arguments()).isEqualTo("{\"dir\":\"src\"}");
    }

    @Test
    void parallelCallsAddressedOnlyByOutputIndexStaySeparate() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_a", "call_a", "one")
                .functionCallAdded(1, "fc_b", "call_b", "two")
                // synthetic, shaped after the delta events above but without item_id, which some
                // Responses servers leave out; output_index still tells the calls apart
                .raw(
                        "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":1,\"delta\":\"{\\\"b\\\":2}\"}")
                .raw(
                        "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":0,\"delta\":\"{\\\"a\\\":1}\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls())
                .extracting(call -> call.function().arguments())
                .containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void argumentsOnlyInTheArgumentsDoneEventAreSent() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_1", "call_1", "exec_command")
                .argumentsDone(0, "fc_1", "exec_command", "{\"cmd\":\"ls\"}")
                .functionCallDone(0, "fc_1", "call_1", "exec_command", "{\"cmd\":\"ls\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.function().arguments()).isEqualTo("{\"cmd\":\"ls\"}"));
    }

    @Test
    void argumentsOnlyInTheFinishedItemAreSent() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_1", "call_1", "exec_command")
                .functionCallDone(0, "fc_1", "call_1", "exec_command", "{\"cmd\":\"ls\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_1");
            assertThat(call.function().arguments()).isEqualTo("{\"cmd\":\"ls\"}");
        });
    }

    @Test
    void finishedCallThatWasNeverAddedIsAnnouncedWhole() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallDone(0, "fc_1", "call_1", "exec_command", "{\"cmd\":\"ls\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_1");
            assertThat(call.function().name()).isEqualTo("exec_command");
            assertThat(call.function().arguments()).isEqualTo("{\"cmd\":\"ls\"}");
        });
    }

    @Test
    void doneEventSendsOnlyTheArgumentsTheDeltasMissed() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_1", "call_1", "exec_command")
                .argumentsDelta(0, "fc_1", "{\"cmd\":")
                .argumentsDone(0, "fc_1", "exec_command", "{\"cmd\":\"ls\"}")
                .functionCallDone(0, "fc_1", "call_1", "exec_command", "{\"cmd\":\"ls\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.function().arguments()).isEqualTo("{\"cmd\":\"ls\"}"));
        assertThat(argumentFragments(outcome)).containsExactly("", "{\"cmd\":", "\"ls\"}");
    }

    @Test
    void finalArgumentsThatContradictTheDeltasFailTheStream() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_1", "call_1", "exec_command")
                .argumentsDelta(0, "fc_1", "{\"cmd\":\"rm")
                .argumentsDone(0, "fc_1", "exec_command", "{\"cmd\":\"ls\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.error().message()).contains("call_1").contains("do not match");
        assertThat(outcome.payloads()).noneMatch(p -> p.contains("\"finish_reason\":\"tool_calls\""));
    }

    @Test
    void textThenToolCallInOneTurnKeepsBoth() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Let me look")
                .textDelta(0, "msg_1", " at that.")
                .textDone(0, "msg_1", "Let me look at that.")
                .messageDone(0, "msg_1", "Let me look at that.")
                .functionCallAdded(1, "fc_1", "call_1", "read_file")
                .argumentsDelta(1, "fc_1", "{\"path\":\"README.md\"}")
                .functionCallDone(1, "fc_1", "call_1", "read_file", "{\"path\":\"README.md\"}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.content()).isEqualTo("Let me look at that.");
        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.function().arguments()).isEqualTo("{\"path\":\"README.md\"}"));
        assertThat(outcome.finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void textOnlyInDoneEventsIsSentOnce() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Hel")
                .textDone(0, "msg_1", "Hello")
                .messageDone(0, "msg_1", "Hello")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.content()).isEqualTo("Hello");
    }

    @Test
    void terminalOutputDeliversItemsThatWereNeverStreamed() {
        ArrayNode output = ResponsesEvents.JSON.createArrayNode();
        output.add(ResponsesEvents.message("msg_1", "completed", "Done."));
        output.add(ResponsesEvents.functionCall("fc_1", "call_1", "notify", "{}", "completed", null));
        ResponsesEvents events = ResponsesEvents.stream().completed(output, usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.content()).isEqualTo("Done.");
        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.id()).isEqualTo("call_1"));
    }

    @Test
    void terminalOutputRepeatingStreamedItemsSendsNothingTwice() {
        ArrayNode output = ResponsesEvents.JSON.createArrayNode();
        output.add(ResponsesEvents.message("msg_1", "completed", "Hi"));
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Hi")
                .messageDone(0, "msg_1", "Hi")
                .completed(output, usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.content()).isEqualTo("Hi");
    }

    @Test
    void customToolInputIsEscapedIntoJsonArgumentsFragmentByFragment() {
        String part1 = "line \"one\"\n\ttab \\ back";
        String part2 = "slash \u0001 and emoji \uD83D";
        String part3 = "\uDE00 end";
        String input = part1 + part2 + part3;
        ResponsesEvents events = ResponsesEvents.stream()
                .customCallAdded(0, "ctc_1", "call_p", "apply_patch")
                .customInputDelta(0, "ctc_1", part1)
                .customInputDelta(0, "ctc_1", part2)
                .customInputDelta(0, "ctc_1", part3)
                .customCallDone(0, "ctc_1", "call_p", "apply_patch", input)
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls()).singleElement().satisfies(call -> {
            JsonNode arguments = ChatStreamCheck.tree(call.function().arguments());
            assertThat(arguments.path("input").textValue()).isEqualTo(input);
        });
    }

    @Test
    void customToolInputOnlyInTheFinishedItemIsWrapped() {
        ResponsesEvents events = ResponsesEvents.stream()
                .customCallDone(0, "ctc_1", "call_p", "apply_patch", "*** Begin Patch\n*** End Patch\n")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.function().arguments())
                        .isEqualTo("{\"input\":\"*** Begin Patch\\n*** End Patch\\n\"}"));
    }

    @Test
    void namespacedCallNameIsNamespaceAndNameJoined() {
        ResponsesEvents events = ResponsesEvents.stream()
                .namespacedCallAdded(0, "fc_1", "call_1", "mcp__github", "create_issue")
                .argumentsDelta(0, "fc_1", "{}")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.function().name()).isEqualTo("mcp__github__create_issue"));
    }

    @Test
    void failedUpstreamMidStreamEndsWithItsErrorAndNoDone() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Partial")
                .failed("rate_limit_exceeded", "Rate limit reached. Please try again in 1.5s.");
        ChatCompletionStream stream = Fixtures.streaming().newStream();

        ChatStreamCheck.Outcome outcome = ChatStreamCheck.feed(stream, events.data(), REASONING);

        assertThat(outcome.error().code()).contains("rate_limit_exceeded");
        assertThat(outcome.error().message()).isEqualTo("Rate limit reached. Please try again in 1.5s.");
        assertThat(outcome.payloads()).last().asString().startsWith("{\"error\":");
        assertThat(stream.isTerminal()).isTrue();
        assertThat(stream.error()).get().extracting(RelayError::httpStatus).isEqualTo(429);
    }

    @Test
    void failedUpstreamCutsOffAHalfToolCall() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_1", "call_1", "exec_command")
                .argumentsDelta(0, "fc_1", "{\"cmd\":\"rm -rf")
                .failed("server_error", "The model crashed.");

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.error().message()).isEqualTo("The model crashed.");
        assertThat(outcome.payloads()).noneMatch(p -> p.contains("finish_reason\":\"tool_calls"));
    }

    @Test
    void errorEventFailsTheStream() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Partial")
                .error("context_length_exceeded", "Your input exceeds the context window of this model.");
        ChatCompletionStream stream = Fixtures.streaming().newStream();

        ChatStreamCheck.Outcome outcome = ChatStreamCheck.feed(stream, events.data(), REASONING);

        assertThat(outcome.error().code()).contains("context_length_exceeded");
        assertThat(outcome.error().type()).isEqualTo("invalid_request_error");
        assertThat(stream.error()).get().extracting(RelayError::httpStatus).isEqualTo(400);
    }

    @Test
    void sseEventNamedErrorFailsTheStreamWhateverItsData() {
        ChatCompletionStream stream = Fixtures.streaming().newStream();
        List<String> payloads =
                new ArrayList<>(stream.onData(ResponsesEvents.stream().data().get(0)));
        // synthetic, shaped after llama.cpp-style "event: error" framing (docs/dialects.md §1.16)
        payloads.addAll(stream.onEvent(SseEvent.of("error", "{\"message\":\"upstream overloaded\"}")));

        ChatStreamCheck.Outcome outcome = ChatStreamCheck.read(payloads, REASONING);

        assertThat(outcome.error().message()).isEqualTo("upstream overloaded");
    }

    @Test
    void endOfStreamWithoutTerminalEventFails() {
        ResponsesEvents events = ResponsesEvents.stream()
                .functionCallAdded(0, "fc_1", "call_1", "exec_command")
                .argumentsDelta(0, "fc_1", "{\"cmd\":");

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.error().message()).isEqualTo("upstream stream ended before response.completed");
        assertThat(outcome.error().type()).isEqualTo("server_error");
        assertThat(outcome.payloads()).noneMatch(p -> p.contains("finish_reason\":\"tool_calls"));
    }

    @Test
    void transportFailureMidStreamFails() {
        ChatCompletionStream stream = Fixtures.streaming().newStream();
        List<String> payloads = new ArrayList<>();
        for (String data : ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Hi")
                .data()) {
            payloads.addAll(stream.onData(data));
        }
        payloads.addAll(stream.onFailure(UpstreamFailure.transport("connection reset")));
        payloads.addAll(stream.onEnd());

        ChatStreamCheck.Outcome outcome = ChatStreamCheck.read(payloads, REASONING);

        assertThat(outcome.error().message()).isEqualTo("upstream connection failed: connection reset");
        assertThat(stream.hasStarted()).isTrue();
    }

    @Test
    void failureBeforeAnyOutputLeavesTheStreamUnstarted() {
        ChatCompletionStream stream = Fixtures.streaming().newStream();

        List<String> payloads = stream.onFailure(UpstreamFailure.http(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}",
                Map.of()));

        assertThat(stream.hasStarted()).isFalse();
        assertThat(stream.error()).get().satisfies(error -> {
            assertThat(error.httpStatus()).isEqualTo(401);
            assertThat(error.code()).contains("invalid_api_key");
            assertThat(error.message()).isEqualTo("Incorrect API key provided");
        });
        assertThat(ChatStreamCheck.read(payloads, REASONING).error().code()).contains("invalid_api_key");
    }

    @Test
    void eventThatIsNotJsonFailsTheStream() {
        ResponsesEvents events = ResponsesEvents.stream().raw("{\"type\":\"response.output_text.delta\",");

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.error().message()).contains("not a JSON object");
    }

    @Test
    void incompleteForMaxOutputTokensFinishesWithLength() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "A long ans")
                .incomplete("max_output_tokens", usage(10, 0, 16, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.content()).isEqualTo("A long ans");
        assertThat(outcome.finishReason()).isEqualTo("length");
        assertThat(outcome.completion().usage().orElseThrow().completionTokens())
                .isEqualTo(16);
    }

    @Test
    void incompleteLeavesAnUnfinishedCallAsStreamedWithFinishReasonLength() {
        ResponsesEvents events = ResponsesEvents.stream()
                .customCallAdded(0, "ctc_1", "call_p", "apply_patch")
                .customInputDelta(0, "ctc_1", "*** Begin Patch\n")
                .incomplete("max_output_tokens", usage(10, 0, 16, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.finishReason()).isEqualTo("length");
        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(
                        call -> assertThat(call.function().arguments()).isEqualTo("{\"input\":\"*** Begin Patch\\n"));
    }

    @Test
    void incompleteForContentFilterFinishesWithContentFilter() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Sure, here")
                .incomplete("content_filter", usage(10, 0, 3, 0));

        assertThat(run(events).finishReason()).isEqualTo("content_filter");
    }

    @Test
    void usageChunkIsOnlySentWhenTheClientAskedForIt() {
        ChatTranslation translation = Fixtures.translator()
                .translate(
                        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Hi")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = ChatStreamCheck.feed(translation.newStream(), events.data(), REASONING);

        assertThat(translation.includeUsage()).isFalse();
        assertThat(outcome.completion().usage()).isEmpty();
        assertThat(outcome.payloads()).noneMatch(p -> p.contains("\"usage\""));
    }

    @Test
    void usageCarriesCachedAndReasoningTokens() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Hi")
                .completed(usage(1200, 1024, 300, 256));

        ChatStreamCheck.Outcome outcome = run(events);

        var usage = outcome.completion().usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(1200);
        assertThat(usage.completionTokens()).isEqualTo(300);
        assertThat(usage.totalTokens()).isEqualTo(1500);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(1024L);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens())
                .contains(256L);
    }

    @Test
    void rawReasoningThatStreamsFirstWinsOverALaterSummary() {
        ResponsesEvents events = ResponsesEvents.stream()
                .reasoningAdded(0, "rs_1")
                .reasoningTextDelta(0, "rs_1", "step 1, ")
                .reasoningTextDelta(0, "rs_1", "step 2")
                .summaryDelta(0, "rs_1", 0, "**Plan**")
                .reasoningDone(0, "rs_1", List.of("**Plan**"), List.of("step 1, step 2"))
                .messageAdded(1, "msg_1")
                .textDelta(1, "msg_1", "Answer")
                .completed(usage(10, 0, 5, 3));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.reasoning()).isEqualTo("step 1, step 2");
        assertThat(outcome.content()).isEqualTo("Answer");
    }

    @Test
    void finishedReasoningItemWithoutDeltasPrefersRawText() {
        ResponsesEvents events = ResponsesEvents.stream()
                .reasoningDone(0, "rs_1", List.of("**Plan**"), List.of("raw thoughts"))
                .messageAdded(1, "msg_1")
                .textDelta(1, "msg_1", "Answer")
                .completed(usage(10, 0, 5, 3));

        assertThat(run(events).reasoning()).isEqualTo("raw thoughts");
    }

    @Test
    void summaryPartsAndReasoningItemsAreSeparatedByABlankLine() {
        ResponsesEvents events = ResponsesEvents.stream()
                .reasoningAdded(0, "rs_1")
                .summaryDelta(0, "rs_1", 0, "**One**")
                .summaryDelta(0, "rs_1", 1, "**Two**")
                .reasoningDone(0, "rs_1", List.of("**One**", "**Two**"), List.of())
                .reasoningAdded(1, "rs_2")
                .summaryDelta(1, "rs_2", 0, "**Three**")
                .reasoningDone(1, "rs_2", List.of("**Three**"), List.of())
                .completed(usage(10, 0, 5, 3));

        assertThat(run(events).reasoning()).isEqualTo("**One**\n\n**Two**\n\n**Three**");
    }

    @Test
    void refusalDeltasBecomeTheRefusal() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .refusalDelta(0, "msg_1", "I can't help ")
                .refusalDelta(0, "msg_1", "with that.")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        assertThat(outcome.choice().message().refusal()).contains("I can't help with that.");
        assertThat(outcome.finishReason()).isEqualTo("stop");
    }

    @Test
    void startSendsTheRoleChunkOnceAndFirst() {
        ChatCompletionStream stream = Fixtures.streaming().newStream();

        List<String> first = stream.start();
        List<String> again = stream.start();
        List<String> created = stream.onData(ResponsesEvents.stream().data().get(0));

        assertThat(first).singleElement().asString().contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(again).isEmpty();
        assertThat(created).isEmpty();
        assertThat(stream.hasStarted()).isTrue();
    }

    @Test
    void everyChunkCarriesTheClientModelAndOneCompletionId() {
        ResponsesEvents events = ResponsesEvents.stream()
                .messageAdded(0, "msg_1")
                .textDelta(0, "msg_1", "Hi")
                .completed(usage(10, 0, 5, 0));

        ChatStreamCheck.Outcome outcome = run(events);

        for (String payload : outcome.payloads()) {
            if (!payload.equals(ChatCompletionStream.DONE)) {
                JsonNode chunk = ChatStreamCheck.tree(payload);
                // the upstream said gpt-5.1-codex; the client asked for gpt-4o and sees gpt-4o
                assertThat(chunk.path("model").asText()).isEqualTo("gpt-4o");
                assertThat(chunk.path("id").asText()).isEqualTo("chatcmpl-1");
                assertThat(chunk.path("created").asLong()).isEqualTo(1_780_000_000L);
            }
        }
    }

    @Test
    void eventsAfterTheEndAreIgnored() {
        ChatCompletionStream stream = Fixtures.streaming().newStream();
        for (String data : ResponsesEvents.stream().completed(usage(1, 0, 1, 0)).data()) {
            stream.onData(data);
        }

        assertThat(stream.isTerminal()).isTrue();
        assertThat(stream.onData("{\"type\":\"response.output_text.delta\",\"delta\":\"late\"}"))
                .isEmpty();
        assertThat(stream.onEnd()).isEmpty();
        assertThat(stream.onFailure(UpstreamFailure.transport("late"))).isEmpty();
        assertThat(stream.error()).isEmpty();
    }

    /** The arguments fragments of every tool-call delta, in order. */
    private static List<String> argumentFragments(ChatStreamCheck.Outcome outcome) {
        List<String> fragments = new ArrayList<>();
        for (String payload : outcome.payloads()) {
            if (payload.equals(ChatCompletionStream.DONE)) {
                continue;
            }
            for (JsonNode call : ChatStreamCheck.tree(payload)
                    .path("choices")
                    .path(0)
                    .path("delta")
                    .path("tool_calls")) {
                fragments.add(call.path("function").path("arguments").asText());
            }
        }
        return fragments;
    }
}
