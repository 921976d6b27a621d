package dev.responsesrelay.reverse;

import static dev.responsesrelay.reverse.ResponsesEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.responses.Response;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.RelayException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A finished Responses {@code response} object (non-streaming) to a {@code chat.completion}. Inputs
 * are synthetic response objects built by {@link ResponsesEvents#response}, each validated against
 * openai-java's {@link Response} model; outputs are parsed and validated as openai-java's {@link
 * ChatCompletion}.
 */
class ChatCompletionMappingTest {
    private final ChatTranslation translation = Fixtures.translator()
            .translate("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    private String lastCompletionJson = "";

    private ChatCompletion map(ObjectNode response) {
        String json = response.toString();
        ChatStreamCheck.parse(json, Response.class).validate();
        lastCompletionJson = translation.toChatCompletionJson(json);
        ChatCompletion completion = ChatStreamCheck.parse(lastCompletionJson, ChatCompletion.class);
        completion.validate();
        return completion;
    }

    private String lastReasoning() {
        return ChatStreamCheck.tree(lastCompletionJson)
                .path("choices")
                .path(0)
                .path("message")
                .path("reasoning_content")
                .asText();
    }

    private static ObjectNode response(String status, @Nullable ObjectNode usage, ObjectNode... items) {
        ArrayNode output = ResponsesEvents.JSON.createArrayNode();
        for (ObjectNode item : items) {
            output.add(item);
        }
        return ResponsesEvents.response(status, output, usage);
    }

    @Test
    void completedResponseWithTextReasoningAndCallsMapsToOneMessage() {
        ObjectNode custom = ResponsesEvents.customCall("ctc_1", "call_p", "apply_patch", "*** Begin Patch\n");
        ChatCompletion completion = map(response(
                "completed",
                usage(100, 40, 20, 8),
                ResponsesEvents.reasoning("rs_1", List.of("**Plan**", "**Check**"), List.of()),
                ResponsesEvents.message("msg_1", "completed", "Running it."),
                ResponsesEvents.functionCall("fc_1", "call_1", "exec_command", "{\"cmd\":\"ls\"}", "completed", null),
                custom));

        assertThat(completion.id()).isEqualTo("chatcmpl-1");
        assertThat(completion.model()).isEqualTo("gpt-4o");
        assertThat(completion.created()).isEqualTo(1_780_000_000L);
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason().asString()).isEqualTo("tool_calls");
        assertThat(choice.message().content()).contains("Running it.");
        assertThat(lastReasoning()).isEqualTo("**Plan**\n\n**Check**");
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).asFunction().id()).isEqualTo("call_1");
        assertThat(calls.get(0).asFunction().function().arguments()).isEqualTo("{\"cmd\":\"ls\"}");
        assertThat(calls.get(1).asFunction().function().name()).isEqualTo("apply_patch");
        assertThat(calls.get(1).asFunction().function().arguments()).isEqualTo("{\"input\":\"*** Begin Patch\\n\"}");
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(100);
        assertThat(usage.completionTokens()).isEqualTo(20);
        assertThat(usage.totalTokens()).isEqualTo(120);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(40L);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens())
                .contains(8L);
    }

    @Test
    void toolCallOnlyTurnHasNullContent() {
        ChatCompletion completion = map(response(
                "completed",
                usage(1, 0, 1, 0),
                ResponsesEvents.functionCall("fc_1", "call_1", "ping", "{}", "completed", "mcp__net")));

        assertThat(completion.choices().get(0).message().content()).isEmpty();
        assertThat(completion
                        .choices()
                        .get(0)
                        .message()
                        .toolCalls()
                        .orElseThrow()
                        .get(0)
                        .asFunction()
                        .function()
                        .name())
                .isEqualTo("mcp__net__ping");
    }

    @Test
    void rawReasoningTextIsPreferredOverTheSummary() {
        ChatCompletion completion = map(response(
                "completed",
                usage(1, 0, 1, 0),
                ResponsesEvents.reasoning("rs_1", List.of("**Plan**"), List.of("raw thoughts")),
                ResponsesEvents.message("msg_1", "completed", "Hi")));

        assertThat(lastReasoning()).isEqualTo("raw thoughts");
        assertThat(completion.choices().get(0).finishReason().asString()).isEqualTo("stop");
    }

    @Test
    void incompleteResponseFinishesWithLengthOrContentFilter() {
        ObjectNode maxTokens =
                response("incomplete", usage(1, 0, 16, 0), ResponsesEvents.message("m", "incomplete", "Cut"));
        maxTokens.putObject("incomplete_details").put("reason", "max_output_tokens");
        ObjectNode filtered = response("incomplete", usage(1, 0, 1, 0));
        filtered.putObject("incomplete_details").put("reason", "content_filter");

        assertThat(map(maxTokens).choices().get(0).finishReason().asString()).isEqualTo("length");
        assertThat(map(maxTokens).choices().get(0).message().content()).contains("Cut");
        assertThat(map(filtered).choices().get(0).finishReason().asString()).isEqualTo("content_filter");
    }

    @Test
    void failedResponseThrowsItsError() {
        ObjectNode failed = response("failed", null);
        failed.putObject("error").put("code", "rate_limit_exceeded").put("message", "Slow down. Try again in 2s.");
        ChatStreamCheck.parse(failed.toString(), Response.class).validate();

        assertThatThrownBy(() -> translation.toChatCompletionJson(failed.toString()))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.error().httpStatus()).isEqualTo(429);
                    assertThat(e.error().code()).contains("rate_limit_exceeded");
                    assertThat(e.error().message()).isEqualTo("Slow down. Try again in 2s.");
                });
    }

    @Test
    void unfinishedResponseIsRefusedAsABadGateway() {
        String inProgress = response("in_progress", null).toString();

        assertThatThrownBy(() -> translation.toChatCompletionJson(inProgress))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.error().httpStatus()).isEqualTo(502);
                    assertThat(e.error().message()).contains("status in_progress");
                });
    }

    @Test
    void unreadableResponseIsRefusedAsABadGateway() {
        assertThatThrownBy(() -> translation.toChatCompletionJson("<html>502 Bad Gateway</html>"))
                .isInstanceOfSatisfying(
                        RelayException.class,
                        e -> assertThat(e.error().httpStatus()).isEqualTo(502));
    }

    @Test
    void callWithoutArgumentsIsRefusedRatherThanGuessed() {
        ObjectNode call = ResponsesEvents.functionCall("fc_1", "call_1", "exec", "{}", "completed", null);
        call.remove("arguments");
        // synthetic and deliberately invalid (openai-java's model requires arguments), so not validated
        String json = response("completed", null, call).toString();

        assertThatThrownBy(() -> translation.toChatCompletionJson(json))
                .isInstanceOfSatisfying(
                        RelayException.class,
                        e -> assertThat(e.error().message()).contains("/output/0"));
    }

    @Test
    void mapFailureKeepsTheUpstreamsOpenAiError() {
        var error = translation.mapFailure(dev.responsesrelay.UpstreamFailure.http(
                429,
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,"
                        + "\"code\":\"rate_limit_exceeded\"}}",
                java.util.Map.of("Retry-After", "3")));

        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.type()).isEqualTo("requests");
        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.retryAfterHeader()).contains("3");
    }

    @Test
    void mapFailureOfANonJsonBodyQuotesIt() {
        var error = translation.mapFailure(dev.responsesrelay.UpstreamFailure.http(503, "upstream connect error"));

        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.message()).isEqualTo("upstream returned HTTP 503: upstream connect error");
    }
}
