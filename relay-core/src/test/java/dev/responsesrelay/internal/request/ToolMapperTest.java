package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.chat;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.map;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.ProviderProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tools and tool_choice. Inputs are synthetic, shaped after the tool declarations in docs/codex-wire.md
 * §1.4 (function with strict and additionalProperties, namespace, custom apply_patch with a lark
 * grammar, web_search and tool_search).
 */
class ToolMapperTest {
    private static final String EXEC = """
            {"type":"function","name":"exec_command","description":"Runs a command.","strict":false,
             "parameters":{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"],
                           "additionalProperties":false}}""";

    private static final String APPLY_PATCH = """
            {"type":"custom","name":"apply_patch","description":"Edit files. This is a FREEFORM tool.",
             "format":{"type":"grammar","syntax":"lark","definition":"start: begin_patch hunk+ end_patch"}}""";

    private static final String MCP_ECHO = """
            {"type":"namespace","name":"mcp__echo","description":"Tools in the mcp__echo namespace.",
             "tools":[{"type":"function","name":"echo_text","description":"Echo back the given text.",
                       "strict":false,"parameters":{"type":"object","properties":{"text":{"type":"string"}}}}]}""";

    private static String request(String tools) {
        return "{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":\"auto\",\"parallel_tool_calls\":true,\"tools\":["
                + tools + "]}";
    }

    private static String request(String tools, String toolChoice) {
        return "{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":" + toolChoice + ",\"tools\":[" + tools + "]}";
    }

    @Test
    void functionToolIsNestedUnderFunction() {
        JsonNode tool = chat(request(EXEC)).at("/tools/0");

        assertThat(tool.at("/type").asText()).isEqualTo("function");
        assertThat(tool.at("/function/name").asText()).isEqualTo("exec_command");
        assertThat(tool.at("/function/description").asText()).isEqualTo("Runs a command.");
        assertThat(tool.at("/function/parameters"))
                .isEqualTo(tree("{\"type\":\"object\",\"properties\":{\"cmd\":{\"type\":\"string\"}},"
                        + "\"required\":[\"cmd\"],\"additionalProperties\":false}"));
        assertThat(tool.has("name")).isFalse();
    }

    @Test
    void strictIsLeftOutUnlessTheProfileAllowsIt() {
        assertThat(chat(request(EXEC)).at("/tools/0/function").has("strict")).isFalse();
        assertThat(chat(request(EXEC), ProviderProfile.OPENAI)
                        .at("/tools/0/function/strict")
                        .isBoolean())
                .isTrue();
    }

    @Test
    void functionWithoutParametersGetsAnEmptyObjectSchema() {
        JsonNode parameters =
                chat(request("{\"type\":\"function\",\"name\":\"get_goal\"}")).at("/tools/0/function/parameters");
        assertThat(parameters).isEqualTo(tree("{\"type\":\"object\",\"properties\":{}}"));
    }

    @Test
    void customToolBecomesFunctionWithOneRequiredStringParameter() {
        JsonNode function = chat(request(APPLY_PATCH)).at("/tools/0/function");

        assertThat(function.at("/name").asText()).isEqualTo("apply_patch");
        assertThat(function.at("/parameters"))
                .isEqualTo(tree("{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\","
                        + "\"description\":\"The complete raw input text for the tool.\"}},"
                        + "\"required\":[\"input\"],\"additionalProperties\":false}"));
    }

    @Test
    void customToolDescriptionCarriesItsGrammar() {
        String description =
                chat(request(APPLY_PATCH)).at("/tools/0/function/description").asText();

        assertThat(description)
                .startsWith("Edit files. This is a FREEFORM tool.\n\n")
                .contains("only parameter, `input`, holds the whole free-form text")
                .endsWith("lark grammar:\nstart: begin_patch hunk+ end_patch");
    }

    @Test
    void customToolIsBoundAsCustomWithItsInputField() {
        ToolBinding binding = map(request(APPLY_PATCH)).tools().byChatName("apply_patch");
        assertThat(binding).isEqualTo(new ToolBinding("apply_patch", "apply_patch", null, true, "input"));
    }

    @Test
    void namespaceToolsAreFlattenedToUniqueNames() {
        JsonNode chat = chat(request(MCP_ECHO));
        assertThat(chat.at("/tools").size()).isEqualTo(1);
        assertThat(chat.at("/tools/0/function/name").asText()).isEqualTo("mcp__echo__echo_text");
        assertThat(chat.at("/tools/0/function/description").asText()).isEqualTo("Echo back the given text.");
    }

    @Test
    void catalogMapsFlattenedNameBackToNamespaceAndName() {
        ToolBinding binding = map(request(MCP_ECHO)).tools().byChatName("mcp__echo__echo_text");
        assertThat(binding).isEqualTo(new ToolBinding("mcp__echo__echo_text", "echo_text", "mcp__echo", false, ""));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"web_search\",\"external_web_access\":true}",
                "{\"type\":\"web_search_preview\"}",
                "{\"type\":\"tool_search\",\"execution\":\"client\"}",
                "{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"]}",
                "{\"type\":\"computer_use_preview\",\"display_width\":1024}",
                "{\"type\":\"image_generation\"}",
                "{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}",
                "{\"type\":\"mcp\",\"server_label\":\"x\"}",
                "{\"type\":\"local_shell\"}"
            })
    void hostedToolIsDroppedWithWarning(String hosted) {
        MappedRequest mapped = map(request(EXEC + "," + hosted));

        assertThat(tree(mapped.chatJson()).at("/tools").size()).isEqualTo(1);
        assertThat(mapped.warnings()).singleElement().asString().contains("at /tools/1", "hosted tool");
    }

    @Test
    void unknownToolTypeIsDroppedWithWarning() {
        MappedRequest mapped = map(request(EXEC + ",{\"type\":\"teleport\",\"name\":\"beam\"}"));

        assertThat(tree(mapped.chatJson()).at("/tools").size()).isEqualTo(1);
        assertThat(mapped.warnings()).singleElement().asString().contains("teleport beam", "unknown tool type");
    }

    @Test
    void noToolsToolChoiceOrParallelWhenNoToolRemains() {
        JsonNode chat = chat(request("{\"type\":\"web_search\"}"));
        assertThat(chat.has("tools")).isFalse();
        assertThat(chat.has("tool_choice")).isFalse();
        assertThat(chat.has("parallel_tool_calls")).isFalse();
    }

    @Test
    void emptyToolsArrayLeavesToolChoiceOut() {
        // The local compaction request: tools [] with tool_choice auto (docs/codex-wire.md §3.2).
        JsonNode chat = chat(request(""));
        assertThat(chat.has("tools")).isFalse();
        assertThat(chat.has("tool_choice")).isFalse();
    }

    @Test
    void toolChoiceAndParallelToolCallsPassThroughWithTools() {
        JsonNode chat = chat(request(EXEC));
        assertThat(chat.at("/tool_choice").asText()).isEqualTo("auto");
        assertThat(chat.at("/parallel_tool_calls").booleanValue()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "none", "required"})
    void toolChoiceModeIsKept(String mode) {
        assertThat(chat(request(EXEC, "\"" + mode + "\"")).at("/tool_choice").asText())
                .isEqualTo(mode);
    }

    @Test
    void unknownToolChoiceModeIsRejected() {
        assertThat(invalid(request(EXEC, "\"any\"")).path()).isEqualTo("/tool_choice");
    }

    @Test
    void namedFunctionChoiceUsesChatShape() {
        JsonNode choice = chat(request(EXEC, "{\"type\":\"function\",\"name\":\"exec_command\"}"))
                .at("/tool_choice");
        assertThat(choice).isEqualTo(tree("{\"type\":\"function\",\"function\":{\"name\":\"exec_command\"}}"));
    }

    @Test
    void namedCustomChoicePointsAtItsFunction() {
        JsonNode choice = chat(request(APPLY_PATCH, "{\"type\":\"custom\",\"name\":\"apply_patch\"}"))
                .at("/tool_choice");
        assertThat(choice).isEqualTo(tree("{\"type\":\"function\",\"function\":{\"name\":\"apply_patch\"}}"));
    }

    @Test
    void namespacedChoiceUsesFlattenedName() {
        JsonNode choice = chat(request(
                        MCP_ECHO, "{\"type\":\"function\",\"namespace\":\"mcp__echo\",\"name\":\"echo_text\"}"))
                .at("/tool_choice/function/name");
        assertThat(choice.asText()).isEqualTo("mcp__echo__echo_text");
    }

    @Test
    void choiceOfUndeclaredToolIsRejected() {
        assertThat(invalid(request(EXEC, "{\"type\":\"function\",\"name\":\"rm_rf\"}"))
                        .path())
                .isEqualTo("/tool_choice/name");
    }

    @Test
    void allowedToolsNarrowsTheOfferedToolsWithWarning() {
        String choice = "{\"type\":\"allowed_tools\",\"mode\":\"required\",\"tools\":["
                + "{\"type\":\"custom\",\"name\":\"apply_patch\"},{\"type\":\"web_search\"}]}";
        MappedRequest mapped = map(request(EXEC + "," + APPLY_PATCH, choice));
        JsonNode chat = tree(mapped.chatJson());

        assertThat(chat.at("/tool_choice").asText()).isEqualTo("required");
        assertThat(chat.at("/tools").size()).isEqualTo(1);
        assertThat(chat.at("/tools/0/function/name").asText()).isEqualTo("apply_patch");
        assertThat(mapped.warnings()).singleElement().asString().contains("allowed_tools", "1 of 2");
        // The model may still see exec_command in history, so the catalog keeps it.
        assertThat(mapped.tools().byChatName("exec_command")).isNotNull();
    }

    @Test
    void hostedToolChoiceIsDroppedWithWarning() {
        MappedRequest mapped = map(request(EXEC, "{\"type\":\"web_search_preview\"}"));
        assertThat(tree(mapped.chatJson()).has("tool_choice")).isFalse();
        assertThat(mapped.warnings()).singleElement().asString().contains("tool_choice web_search_preview");
    }

    @Test
    void unknownToolChoiceTypeIsRejected() {
        assertThat(invalid(request(EXEC, "{\"type\":\"telepathy\"}")).path()).isEqualTo("/tool_choice/type");
    }

    @Test
    void toolWithoutNameIsRejected() {
        assertThat(invalid(request(EXEC + ",{\"type\":\"function\",\"parameters\":{}}"))
                        .path())
                .isEqualTo("/tools/1/name");
    }

    @Test
    void nestedToolWithoutNameIsRejected() {
        assertThat(invalid(request("{\"type\":\"namespace\",\"name\":\"ns\",\"tools\":[{\"type\":\"function\"}]}"))
                        .path())
                .isEqualTo("/tools/0/tools/0/name");
    }

    @Test
    void toolWithoutTypeIsRejected() {
        assertThat(invalid(request("{\"name\":\"x\"}")).path()).isEqualTo("/tools/0/type");
    }

    @Test
    void toolDeclaredTwiceIsRejected() {
        assertThat(invalid(request(EXEC + "," + EXEC)).path()).isEqualTo("/tools/1/name");
    }

    @Test
    void parametersThatAreNotAnObjectAreRejected() {
        assertThat(invalid(request("{\"type\":\"function\",\"name\":\"f\",\"parameters\":[]}"))
                        .path())
                .isEqualTo("/tools/0/parameters");
    }
}
