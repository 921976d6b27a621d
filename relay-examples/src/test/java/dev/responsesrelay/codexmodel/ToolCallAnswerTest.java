package dev.responsesrelay.codexmodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.codexmodel.ToolCallAnswer.ToolCall;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Agent messages are synthetic, in the format the prompt asks for (see CodexPrompt). */
class ToolCallAnswerTest {
    private static final Set<String> TOOLS = Set.of("get_weather", "get_time");

    @Test
    void answerInTheRequestedFormatIsReadAsCalls() {
        assertThat(ToolCallAnswer.parse(
                        "{\"tool_calls\":[{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}},"
                                + "{\"name\":\"get_time\",\"arguments\":{}}]}",
                        TOOLS))
                .hasValue(List.of(new ToolCall("get_weather", "{\"city\":\"Paris\"}"), new ToolCall("get_time", "{}")));
    }

    @Test
    void surroundingJsonFenceIsRemoved() {
        assertThat(ToolCallAnswer.parse(
                        "```json\n{\"tool_calls\":[{\"name\":\"get_time\",\"arguments\":{}}]}\n```", TOOLS))
                .hasValue(List.of(new ToolCall("get_time", "{}")));
    }

    @Test
    void argumentsGivenAsJsonTextAreAccepted() {
        assertThat(ToolCallAnswer.parse(
                        "{\"tool_calls\":[{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Oslo\\\"}\"}]}",
                        TOOLS))
                .hasValue(List.of(new ToolCall("get_weather", "{\"city\":\"Oslo\"}")));
    }

    @Test
    void missingArgumentsMeanAnEmptyObject() {
        assertThat(ToolCallAnswer.parse("{\"tool_calls\":[{\"name\":\"get_time\"}]}", TOOLS))
                .hasValue(List.of(new ToolCall("get_time", "{}")));
    }

    @Test
    void undeclaredToolKeepsTheAnswerAsText() {
        assertThat(ToolCallAnswer.parse("{\"tool_calls\":[{\"name\":\"rm_rf\",\"arguments\":{}}]}", TOOLS))
                .isEmpty();
    }

    @Test
    void textAroundTheJsonKeepsTheAnswerAsText() {
        assertThat(ToolCallAnswer.parse("Sure! {\"tool_calls\":[{\"name\":\"get_time\",\"arguments\":{}}]}", TOOLS))
                .isEmpty();
        assertThat(ToolCallAnswer.parse(
                        "{\"tool_calls\":[{\"name\":\"get_time\",\"arguments\":{}}]} Let me know.", TOOLS))
                .isEmpty();
    }

    @Test
    void argumentsThatAreNotAnObjectKeepTheAnswerAsText() {
        assertThat(ToolCallAnswer.parse("{\"tool_calls\":[{\"name\":\"get_time\",\"arguments\":[1]}]}", TOOLS))
                .isEmpty();
    }

    @Test
    void emptyCallListIsText() {
        assertThat(ToolCallAnswer.parse("{\"tool_calls\":[]}", TOOLS)).isEmpty();
    }

    @Test
    void withoutDeclaredToolsNothingIsACall() {
        assertThat(ToolCallAnswer.parse("{\"tool_calls\":[{\"name\":\"get_time\"}]}", Set.of()))
                .isEmpty();
    }
}
