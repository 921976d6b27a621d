package dev.responsesrelay.codexmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** Requests are synthetic, shaped after what the Chat-to-Responses translator sends (flat function tools). */
class CodexPromptTest {
    @Test
    void singleUserMessageIsThePromptAsIs() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"model\":\"codex-local\",\"input\":\"Say hello\"}");

        assertThat(prompt.prompt()).isEqualTo("Say hello");
        assertThat(prompt.instructions()).isEmpty();
        assertThat(prompt.model()).isEqualTo("codex-local");
        assertThat(prompt.toolNames()).isEmpty();
        assertThat(prompt.outputSchema()).isNull();
    }

    @Test
    void missingModelDefaultsToCodexLocal() {
        assertThat(CodexPrompt.fromRequest("{\"input\":\"hi\"}").model()).isEqualTo("codex-local");
    }

    @Test
    void instructionsAndSystemAndDeveloperMessagesBecomeInstructionsInOrder() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"instructions\":\"A\",\"input\":["
                + "{\"role\":\"system\",\"content\":\"B\"},"
                + "{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"C\"}]},"
                + "{\"role\":\"user\",\"content\":\"go\"}]}");

        assertThat(prompt.instructions()).isEqualTo("A\n\nB\n\nC");
        assertThat(prompt.prompt()).isEqualTo("go");
    }

    @Test
    void earlierTurnsBecomeATranscriptAndTheLastUserMessageTheTask() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":["
                + "{\"role\":\"user\",\"content\":\"What is 2+2?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"4\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"And 3+3?\"}]}]}");

        assertThat(prompt.prompt()).isEqualTo("""
                        This task continues a conversation. Its earlier turns, oldest first:

                        <conversation>
                        <message role="user">
                        What is 2+2?
                        </message>
                        <message role="assistant">
                        4
                        </message>
                        </conversation>

                        The user's new message, which is your task:

                        And 3+3?""");
    }

    @Test
    void toolCallsAndTheirOutputsGoIntoTheTranscriptAndTheAgentContinues() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"18 C, sunny\"}],"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\"}]}");

        assertThat(prompt.prompt())
                .contains("""
                        <tool_call name="get_weather" call_id="call_1">
                        {"city":"Paris"}
                        </tool_call>
                        <tool_result call_id="call_1">
                        18 C, sunny
                        </tool_result>
                        </conversation>""")
                .endsWith("Continue the conversation: answer the user's last request, using the tool results above.");
    }

    @Test
    void toolsAreDescribedWithTheAnswerFormat() {
        CodexPrompt prompt = CodexPrompt.fromRequest(
                "{\"input\":\"Weather?\",\"tools\":[{\"type\":\"function\","
                        + "\"name\":\"get_weather\",\"description\":\"Current weather\",\"parameters\":{\"type\":\"object\"}}]}");

        assertThat(prompt.toolNames()).containsExactly("get_weather");
        assertThat(prompt.prompt())
                .contains("reply with only a JSON object of this form")
                .contains("{\"tool_calls\":[{\"name\":\"<tool name>\",\"arguments\":{")
                .contains("""
                        <tool name="get_weather">
                        Current weather
                        Parameters (JSON Schema): {"type":"object"}
                        </tool>""")
                .endsWith("The user's new message, which is your task:\n\nWeather?");
    }

    @Test
    void toolChoiceNoneHidesTheTools() {
        CodexPrompt prompt = CodexPrompt.fromRequest(
                "{\"input\":\"hi\",\"tool_choice\":\"none\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}");

        assertThat(prompt.toolNames()).isEmpty();
        assertThat(prompt.prompt()).isEqualTo("hi");
    }

    @Test
    void namedToolChoiceIsRequired() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":\"hi\",\"tool_choice\":{\"type\":\"function\","
                + "\"name\":\"f\"},\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}");

        assertThat(prompt.prompt()).contains("You must reply with a call of the tool f.");
    }

    @Test
    void jsonSchemaFormatBecomesTheOutputSchema() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\","
                + "\"name\":\"x\",\"schema\":{\"type\":\"object\"}}}}");

        assertThat(prompt.outputSchema()).hasToString("{\"type\":\"object\"}");
    }

    @Test
    void imagesAreReplacedByAPlaceholder() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\"}]}]}");

        assertThat(prompt.prompt())
                .isEqualTo("What is this?\n[an image was attached here; it is not available to you]");
    }

    @Test
    void reasoningItemsAreSkipped() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":[{\"type\":\"reasoning\",\"id\":\"rs_1\","
                + "\"summary\":[]},{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(prompt.prompt()).isEqualTo("hi");
    }

    @Test
    void bodyThatIsNotJsonIsRejected() {
        assertThatThrownBy(() -> CodexPrompt.fromRequest("{"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("request body is not valid JSON");
    }

    @Test
    void unknownContentPartIsRejectedWithItsPath() {
        assertThatThrownBy(() -> CodexPrompt.fromRequest(
                        "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("unsupported content part type input_audio at /input/0/content/0/type");
    }

    @Test
    void previousResponseIdIsRejectedBecauseEveryRunIsStateless() {
        assertThatThrownBy(() -> CodexPrompt.fromRequest("{\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("previous_response_id is not supported")
                .extracting(e -> ((InvalidRequestException) e).path())
                .isEqualTo("/previous_response_id");
    }

    @Test
    void nonFunctionToolIsRejectedWithItsPath() {
        assertThatThrownBy(() -> CodexPrompt.fromRequest("{\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("only function tools can be offered to codex, not web_search at /tools/0/type");
    }

    @Test
    void functionCallWithoutCallIdIsRejectedWithItsPath() {
        assertThatThrownBy(() -> CodexPrompt.fromRequest("{\"input\":[{\"type\":\"function_call\",\"name\":\"f\","
                        + "\"arguments\":\"{}\"},{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("missing required field call_id at /input/0/call_id");
    }

    @Test
    void requestWithoutAnythingToAnswerIsRejected() {
        assertThatThrownBy(() -> CodexPrompt.fromRequest("{\"input\":[{\"role\":\"system\",\"content\":\"Be nice\"}]}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("the request has no user message for codex to answer at /input");
    }
}
