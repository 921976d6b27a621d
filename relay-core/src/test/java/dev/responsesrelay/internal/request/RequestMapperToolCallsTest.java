package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.chat;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.map;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.Json;
import org.junit.jupiter.api.Test;

/**
 * Tool calls and their outputs in the history. Inputs are synthetic, shaped after the
 * function_call / function_call_output / custom_tool_call items of docs/codex-wire.md §1.3 (parallel
 * calls first, then outputs; namespaced calls; array outputs with input_text and input_image).
 */
class RequestMapperToolCallsTest {
    private static final String USER = "{\"role\":\"user\",\"content\":\"go\"}";

    private static String call(String callId, String name, String arguments) {
        return "{\"type\":\"function_call\",\"status\":\"completed\",\"id\":\"fc_" + callId + "\",\"name\":\"" + name
                + "\",\"arguments\":" + quote(arguments) + ",\"call_id\":\"" + callId + "\"}";
    }

    private static String output(String callId, String outputJson) {
        return "{\"type\":\"function_call_output\",\"id\":\"fco_" + callId + "\",\"call_id\":\"" + callId
                + "\",\"output\":" + outputJson + "}";
    }

    private static String quote(String text) {
        return Json.MAPPER.getNodeFactory().textNode(text).toString();
    }

    private static JsonNode messages(String... items) {
        return chat(withInput("[" + String.join(",", items) + "]")).at("/messages");
    }

    @Test
    void functionCallBecomesAssistantToolCall() {
        JsonNode messages =
                messages(USER, call("call_1", "exec_command", "{\"cmd\": \"echo hi\"}"), output("call_1", "\"hi\""));

        assertThat(messages.get(1))
                .isEqualTo(tree("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"exec_command\","
                        + "\"arguments\":\"{\\\"cmd\\\": \\\"echo hi\\\"}\"}}]}"));
        assertThat(messages.get(2))
                .isEqualTo(tree("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"hi\"}"));
    }

    @Test
    void consecutiveCallsShareOneAssistantMessage() {
        JsonNode messages =
                messages(USER, call("a", "f", "{}"), call("b", "f", "{}"), output("a", "\"1\""), output("b", "\"2\""));

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "tool");
        assertThat(messages.at("/1/tool_calls").findValuesAsText("id")).containsExactly("a", "b");
    }

    @Test
    void assistantTextBeforeCallsSharesTheirMessage() {
        // docs/codex-wire.md §6 "parallel function calls": a text preamble, then two calls.
        JsonNode messages = messages(
                USER,
                "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"I'll run two commands.\"}]}",
                call("a", "f", "{}"),
                call("b", "f", "{}"),
                output("a", "\"1\""),
                output("b", "\"2\""));

        assertThat(messages.size()).isEqualTo(4);
        assertThat(messages.at("/1/content").asText()).isEqualTo("I'll run two commands.");
        assertThat(messages.at("/1/tool_calls").size()).isEqualTo(2);
    }

    @Test
    void outputsFollowTheirCallsInCallOrder() {
        JsonNode messages =
                messages(USER, call("a", "f", "{}"), call("b", "f", "{}"), output("b", "\"2\""), output("a", "\"1\""));

        assertThat(messages.findValuesAsText("tool_call_id")).containsExactly("a", "b");
        assertThat(messages.at("/2/content").asText()).isEqualTo("1");
        assertThat(messages.at("/3/content").asText()).isEqualTo("2");
    }

    @Test
    void callAfterOutputsStartsTheNextAssistantMessage() {
        JsonNode messages =
                messages(USER, call("a", "f", "{}"), output("a", "\"1\""), call("b", "f", "{}"), output("b", "\"2\""));

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "assistant", "tool");
    }

    @Test
    void repeatedCallIdStartsItsOwnAssistantMessage() {
        JsonNode messages = messages(USER, call("a", "f", "{}"), call("a", "f", "{}"), output("a", "\"1\""));

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "assistant", "tool");
        assertThat(messages.at("/2/content").asText()).isEqualTo("[tool call a produced no output]");
        assertThat(messages.at("/4/content").asText()).isEqualTo("1");
    }

    @Test
    void callWithoutOutputGetsSynthesisedToolMessageBeforeNextUserTurn() {
        MappedRequest mapped = map(withInput("[" + USER + "," + call("a", "f", "{}") + "," + USER + "]"));
        JsonNode messages = tree(mapped.chatJson()).at("/messages");

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "user");
        assertThat(messages.at("/2/tool_call_id").asText()).isEqualTo("a");
        assertThat(messages.at("/2/content").asText()).isEqualTo("[tool call a produced no output]");
        assertThat(mapped.warnings()).singleElement().asString().contains("tool call a has no output");
    }

    @Test
    void trailingCallWithoutOutputIsAnsweredToo() {
        JsonNode messages = messages(USER, call("a", "f", "{}"));
        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool");
    }

    @Test
    void outputWithoutItsCallBecomesUserText() {
        MappedRequest mapped = map(withInput("[" + USER + "," + output("ghost", "\"late result\"") + "]"));
        JsonNode messages = tree(mapped.chatJson()).at("/messages");

        assertThat(messages.get(1))
                .isEqualTo(tree("{\"role\":\"user\",\"content\":\"[output of tool call ghost]\\nlate result\"}"));
        assertThat(mapped.warnings()).singleElement().asString().contains("/input/1", "ghost");
    }

    @Test
    void orphanOutputInsideABatchWaitsUntilTheToolMessages() {
        JsonNode messages = messages(USER, call("a", "f", "{}"), output("ghost", "\"?\""), output("a", "\"1\""));

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "user");
        assertThat(messages.at("/3/content").asText()).startsWith("[output of tool call ghost]");
    }

    @Test
    void secondOutputForTheSameCallBecomesUserText() {
        JsonNode messages = messages(USER, call("a", "f", "{}"), output("a", "\"1\""), output("a", "\"again\""));

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "user");
        assertThat(messages.at("/2/content").asText()).isEqualTo("1");
    }

    @Test
    void arrayOutputTextsAreJoinedByNewlines() {
        // docs/codex-wire.md §1.3: the MCP call output is an array of input_text parts.
        JsonNode messages = messages(
                USER,
                call("call_mcp", "f", "{}"),
                output(
                        "call_mcp",
                        "[{\"type\":\"input_text\",\"text\":\"Wall time: 0.0022 seconds\\nOutput:\"},"
                                + "{\"type\":\"input_text\",\"text\":\"ECHO: ping\"}]"));
        assertThat(messages.at("/2/content").asText()).isEqualTo("Wall time: 0.0022 seconds\nOutput:\nECHO: ping");
    }

    @Test
    void outputImagesFollowTheToolMessagesInOneUserMessage() {
        // docs/codex-wire.md §1.3: view_image answers with an input_image part.
        String image =
                "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"high\"}";
        JsonNode messages = messages(
                USER,
                call("call_img", "view_image", "{\"path\": \"/tmp/red.png\"}"),
                call("call_ls", "exec_command", "{\"cmd\": \"ls\"}"),
                output("call_img", "[" + image + "]"),
                output("call_ls", "\"red.png\""));

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "tool", "user");
        assertThat(messages.at("/2/content").asText()).isEqualTo("[1 image attached in the next user message]");
        assertThat(messages.at("/3/content").asText()).isEqualTo("red.png");
        assertThat(messages.at("/4/content"))
                .isEqualTo(tree("[{\"type\":\"text\",\"text\":\"[images returned by tool call call_img]\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\","
                        + "\"detail\":\"high\"}}]"));
    }

    @Test
    void outputTextKeepsItsTextNextToTheImageNote() {
        JsonNode messages = messages(
                USER,
                call("a", "f", "{}"),
                output(
                        "a",
                        "[{\"type\":\"input_text\",\"text\":\"two shots\"},"
                                + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/1.png\"},"
                                + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/2.png\"}]"));
        assertThat(messages.at("/2/content").asText())
                .isEqualTo("two shots\n[2 images attached in the next user message]");
        assertThat(messages.at("/3/content").size()).isEqualTo(3);
    }

    @Test
    void namespacedCallUsesTheFlattenedName() {
        String request = "{\"model\":\"m\",\"tools\":[{\"type\":\"namespace\",\"name\":\"mcp__echo\",\"tools\":["
                + "{\"type\":\"function\",\"name\":\"echo_text\",\"parameters\":{\"type\":\"object\"}}]}],\"input\":["
                + USER + ",{\"type\":\"function_call\",\"name\":\"echo_text\",\"namespace\":\"mcp__echo\","
                + "\"arguments\":\"{\\\"text\\\": \\\"ping\\\"}\",\"call_id\":\"call_mcp\"}]}";
        JsonNode chat = chat(request);

        assertThat(chat.at("/messages/1/tool_calls/0/function/name").asText()).isEqualTo("mcp__echo__echo_text");
        assertThat(chat.at("/tools/0/function/name").asText()).isEqualTo("mcp__echo__echo_text");
    }

    @Test
    void namespacedCallKeepsTheFlatteningWhenTheToolIsGone() {
        JsonNode messages = messages(
                USER,
                "{\"type\":\"function_call\",\"name\":\"close_agent\",\"namespace\":\"multi_agent_v1\","
                        + "\"arguments\":\"{}\",\"call_id\":\"call_ns\"}");
        assertThat(messages.at("/1/tool_calls/0/function/name").asText()).isEqualTo("multi_agent_v1__close_agent");
    }

    @Test
    void flattenedHistoryNameNeverTakesADeclaredName() {
        // A declared flat tool already holds mcp__echo__echo_text, so the history call of the
        // namespaced tool must get another name, or the model would confuse the two.
        String request = "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"name\":\"mcp__echo__echo_text\"}],"
                + "\"input\":[" + USER
                + ",{\"type\":\"function_call\",\"name\":\"echo_text\",\"namespace\":\"mcp__echo\","
                + "\"arguments\":\"{}\",\"call_id\":\"c\"}]}";
        assertThat(chat(request).at("/messages/1/tool_calls/0/function/name").asText())
                .startsWith("mcp__echo__echo_text_")
                .matches(ToolNames.VALID);
    }

    @Test
    void customToolCallWrapsItsRawInputAsJsonArguments() {
        String patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello \"world\"\n*** End Patch\n";
        JsonNode messages = messages(
                USER,
                "{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"status\":\"completed\",\"call_id\":\"call_patch_1\","
                        + "\"name\":\"apply_patch\",\"input\":" + quote(patch) + "}",
                "{\"type\":\"custom_tool_call_output\",\"id\":\"ctco_1\",\"call_id\":\"call_patch_1\","
                        + "\"output\":\"Exit code: 0\"}");

        JsonNode call = messages.at("/1/tool_calls/0");
        assertThat(call.at("/id").asText()).isEqualTo("call_patch_1");
        assertThat(call.at("/function/name").asText()).isEqualTo("apply_patch");
        assertThat(tree(call.at("/function/arguments").asText())).isEqualTo(tree("{\"input\":" + quote(patch) + "}"));
        assertThat(messages.get(2))
                .isEqualTo(tree("{\"role\":\"tool\",\"tool_call_id\":\"call_patch_1\",\"content\":\"Exit code: 0\"}"));
    }

    @Test
    void blankArgumentsBecomeAnEmptyObject() {
        assertThat(messages(USER, call("a", "get_goal", ""))
                        .at("/1/tool_calls/0/function/arguments")
                        .asText())
                .isEqualTo("{}");
    }

    @Test
    void callWithoutCallIdIsRejected() {
        String request = withInput("[" + USER + ",{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]");
        assertThat(invalid(request).path()).isEqualTo("/input/1/call_id");
    }

    @Test
    void callWithoutNameIsRejected() {
        String request =
                withInput("[" + USER + ",{\"type\":\"function_call\",\"call_id\":\"c\",\"arguments\":\"{}\"}]");
        assertThat(invalid(request).path()).isEqualTo("/input/1/name");
    }

    @Test
    void callWithObjectArgumentsIsRejected() {
        String request = withInput(
                "[" + USER + ",{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]");
        assertThat(invalid(request).path()).isEqualTo("/input/1/arguments");
    }

    @Test
    void outputWithoutCallIdIsRejected() {
        String request = withInput("[" + USER + ",{\"type\":\"function_call_output\",\"output\":\"x\"}]");
        assertThat(invalid(request).path()).isEqualTo("/input/1/call_id");
    }

    @Test
    void outputWithoutOutputIsRejected() {
        String request = withInput("[" + USER + ",{\"type\":\"custom_tool_call_output\",\"call_id\":\"c\"}]");
        assertThat(invalid(request).path()).isEqualTo("/input/1/output");
    }

    @Test
    void outputOfWrongTypeIsRejected() {
        assertThat(invalid(withInput("[" + USER + "," + output("c", "42") + "]"))
                        .path())
                .isEqualTo("/input/1/output");
    }

    @Test
    void customCallWithoutInputIsRejected() {
        String request =
                withInput("[" + USER + ",{\"type\":\"custom_tool_call\",\"call_id\":\"c\",\"name\":\"apply_patch\"}]");
        assertThat(invalid(request).path()).isEqualTo("/input/1/input");
    }
}
