package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.chat;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.map;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.InvalidRequestException;
import org.junit.jupiter.api.Test;

/**
 * Codex's code mode (issue 13 §0): with no model configured, Codex 0.169 declares its tools in an
 * {@code additional_tools} input item instead of {@code tools}. Inputs are synthetic, shaped after
 * the real capture {@code fixtures/.../codex-0.169.0/default-model-code-mode/request.responses.json}
 * (docs/codex-wire.md §10): a {@code functions} namespace holding the freeform {@code exec} tool
 * and the function {@code wait}, and a {@code clock} namespace with {@code sleep}.
 */
class RequestMapperAdditionalToolsTest {
    private static final String ADDITIONAL_TOOLS = """
            {"type":"additional_tools","id":"at_1","role":"developer","tools":[
              {"type":"namespace","name":"functions","description":"","tools":[
                {"type":"custom","name":"exec","description":"Run JavaScript code to orchestrate tool calls",
                 "format":{"type":"grammar","syntax":"lark","definition":"start: SOURCE"}},
                {"type":"function","name":"wait","description":"Waits on a yielded exec cell.","strict":false,
                 "parameters":{"type":"object","properties":{"cell_id":{"type":"string"}},"required":["cell_id"],
                               "additionalProperties":false}}]},
              {"type":"namespace","name":"clock","description":"Tools for reading and waiting on time.","tools":[
                {"type":"function","name":"sleep","strict":false,
                 "parameters":{"type":"object","properties":{"duration_ms":{"type":"number"}}}}]}]}""";

    private static final String USER = "{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi\"}";

    /** The top-level fields of the capture besides model and input. */
    private static final String CODE_MODE_FIELDS = """
            "tool_choice":"auto","parallel_tool_calls":false,
            "reasoning":{"effort":"low","context":"all_turns"},"store":false,
            "include":["reasoning.encrypted_content"],"prompt_cache_key":"k","text":{"verbosity":"low"},
            "client_metadata":{"session_id":"s"}""";

    private static String codeMode(String... items) {
        return "{\"model\":\"gpt-6.1-sol\",\"stream\":true,\"input\":[" + String.join(",", items) + "],"
                + CODE_MODE_FIELDS + "}";
    }

    @Test
    void additionalToolsBecomeTheChatToolsAndNoMessage() {
        JsonNode chat = chat(codeMode(ADDITIONAL_TOOLS, USER));

        assertThat(chat.get("tools").findValuesAsText("name"))
                .containsExactly("functions__exec", "functions__wait", "clock__sleep");
        assertThat(chat.get("messages")).isEqualTo(tree("[{\"role\":\"user\",\"content\":\"hi\"}]"));
        assertThat(chat.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(chat.get("parallel_tool_calls").booleanValue()).isFalse();
    }

    @Test
    void freeformExecIsAFunctionWithOneRawInputParameter() {
        JsonNode exec = chat(codeMode(ADDITIONAL_TOOLS, USER)).at("/tools/0/function");

        assertThat(exec.at("/parameters/required")).isEqualTo(tree("[\"input\"]"));
        assertThat(exec.at("/description").asText())
                .startsWith("Run JavaScript code to orchestrate tool calls")
                .contains("lark grammar:\nstart: SOURCE");
    }

    @Test
    void callOfTheHoistedExecToolMapsBackToItsNamespaceAndName() {
        ToolCatalog catalog = map(codeMode(ADDITIONAL_TOOLS, USER)).tools();

        ToolBinding exec = catalog.byChatName("functions__exec");
        assertThat(exec).isNotNull();
        assertThat(exec.namespace()).isEqualTo("functions");
        assertThat(exec.name()).isEqualTo("exec");
        assertThat(exec.custom()).isTrue();
    }

    @Test
    void additionalToolsAnywhereInTheInputAreHoisted() {
        JsonNode chat = chat(codeMode(USER, ADDITIONAL_TOOLS, USER));

        assertThat(chat.get("tools").findValuesAsText("name"))
                .containsExactly("functions__exec", "functions__wait", "clock__sleep");
        assertThat(chat.get("messages").findValuesAsText("role")).containsExactly("user", "user");
    }

    @Test
    void additionalToolsJoinTheDeclaredToolsAfterThem() {
        String request = "{\"model\":\"m\",\"input\":[" + ADDITIONAL_TOOLS + "," + USER + "],\"tools\":["
                + "{\"type\":\"function\",\"name\":\"exec_command\",\"parameters\":{\"type\":\"object\"}}]}";

        assertThat(chat(request).get("tools").findValuesAsText("name"))
                .containsExactly("exec_command", "functions__exec", "functions__wait", "clock__sleep");
    }

    @Test
    void replayedExecCallInTheHistoryUsesTheFlatNameAndTheInputField() {
        String call =
                "{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"call_id\":\"call_1\",\"namespace\":\"functions\","
                        + "\"name\":\"exec\",\"input\":\"await tools.exec_command({cmd: 'ls'})\"}";
        String output = "{\"type\":\"custom_tool_call_output\",\"call_id\":\"call_1\",\"output\":\"a.txt\"}";

        JsonNode messages = chat(codeMode(ADDITIONAL_TOOLS, USER, call, output)).get("messages");

        assertThat(messages.at("/1/tool_calls/0/function/name").asText()).isEqualTo("functions__exec");
        assertThat(tree(messages.at("/1/tool_calls/0/function/arguments").asText()))
                .isEqualTo(tree("{\"input\":\"await tools.exec_command({cmd: 'ls'})\"}"));
        assertThat(messages.at("/2/content").asText()).isEqualTo("a.txt");
    }

    @Test
    void theCodeModeBodyMapsWithoutWarnings() {
        // reasoning.context and text.verbosity have no Chat form and change nothing the model sees.
        MappedRequest mapped = map(codeMode(ADDITIONAL_TOOLS, USER));

        assertThat(mapped.warnings()).isEmpty();
        assertThat(tree(mapped.chatJson()).get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(mapped.chatJson()).doesNotContain("all_turns", "verbosity", "additional_tools");
    }

    @Test
    void additionalToolsWithoutToolsAreRefusedAtTheirPath() {
        InvalidRequestException e = invalid(codeMode(USER, "{\"type\":\"additional_tools\",\"role\":\"developer\"}"));

        assertThat(e.error().param()).contains("/input/1/tools");
    }

    @Test
    void aToolDeclaredTwiceAcrossAdditionalToolsIsRefusedAtTheSecond() {
        InvalidRequestException e = invalid(codeMode(ADDITIONAL_TOOLS, USER, ADDITIONAL_TOOLS));

        assertThat(e.error().param()).contains("/input/2/tools/0/tools/0/name");
    }
}
