package dev.responsesrelay.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.internal.dialect.ToolMarkup.ParsedCall;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leaked tool-call markup (docs/dialects.md rule 23). Inputs are synthetic, shaped after the markers the
 * document names: Kimi's {@code <|tool_calls_section_begin|>} (vllm PR #32146, sglang PR #21377),
 * Hermes/Qwen {@code <tool_call>}, and {@code <function=…>}.
 */
class ToolMarkupTest {
    private static final String KIMI = "<|tool_calls_section_begin|><|tool_call_begin|>functions.exec_command:3"
            + "<|tool_call_argument_begin|>{\"cmd\":\"ls\"}<|tool_call_end|><|tool_call_begin|>"
            + "functions.exec_command:4<|tool_call_argument_begin|>{\"cmd\":\"pwd\"}<|tool_call_end|>"
            + "<|tool_calls_section_end|>";

    @Test
    void kimiSectionsKeepTheirIds() {
        ToolMarkup.Parsed parsed = ToolMarkup.parse(KIMI);
        assertThat(parsed.calls())
                .containsExactly(
                        new ParsedCall("functions.exec_command:3", "exec_command", "{\"cmd\":\"ls\"}"),
                        new ParsedCall("functions.exec_command:4", "exec_command", "{\"cmd\":\"pwd\"}"));
        assertThat(parsed.text()).isEmpty();
    }

    @Test
    void hermesJsonWithObjectOrStringArguments() {
        ToolMarkup.Parsed parsed = ToolMarkup.parse("<tool_call>\n{\"name\": \"exec_command\", \"arguments\":"
                + " {\"cmd\": \"ls\"}}\n</tool_call>\n<tool_call>{\"name\":\"write_stdin\",\"arguments\":\"{}\"}"
                + "</tool_call>");
        assertThat(parsed.calls())
                .containsExactly(
                        new ParsedCall(null, "exec_command", "{\"cmd\":\"ls\"}"),
                        new ParsedCall(null, "write_stdin", "{}"));
    }

    @Test
    void functionTagsWithJsonOrParameters() {
        assertThat(ToolMarkup.parse("<function=exec_command>{\"cmd\":\"ls\"}</function>")
                        .calls())
                .containsExactly(new ParsedCall(null, "exec_command", "{\"cmd\":\"ls\"}"));
        // Qwen3-Coder's XML form: values read as JSON when they are not plain text.
        assertThat(ToolMarkup.parse("<tool_call>\n<function=exec_command>\n<parameter=cmd>\nls -la\n</parameter>\n"
                                + "<parameter=yield_time_ms>\n1000\n</parameter>\n</function>\n</tool_call>")
                        .calls())
                .containsExactly(new ParsedCall(null, "exec_command", "{\"cmd\":\"ls -la\",\"yield_time_ms\":1000}"));
    }

    @Test
    void groqsFailedGenerationWithoutTheClosingBracket() {
        // Shaped after Groq's tool_use_failed (docs/dialects.md §1.6): the model's raw text.
        String payload = "{\"error\":{\"message\":\"Failed to call a function. Please adjust your prompt. See"
                + " 'failed_generation' for more details.\",\"type\":\"invalid_request_error\","
                + "\"code\":\"tool_use_failed\",\"failed_generation\":"
                + "\"<function=exec_command{\\\"cmd\\\": \\\"ls\\\"}</function>\"}}";
        String generation = ToolMarkup.failedGeneration(payload);
        assertThat(generation).isNotNull();
        assertThat(generation).isEqualTo("<function=exec_command{\"cmd\": \"ls\"}</function>");
        assertThat(ToolMarkup.parse(generation).calls())
                .containsExactly(new ParsedCall(null, "exec_command", "{\"cmd\":\"ls\"}"));
        assertThat(ToolMarkup.failedGeneration("{\"error\":{\"code\":\"rate_limit_exceeded\"}}"))
                .isNull();
    }

    @Test
    void unreadableMarkupStaysText() {
        String held = "<tool_call>this is not a call</tool_call> and prose";
        ToolMarkup.Parsed parsed = ToolMarkup.parse(held);
        assertThat(parsed.calls()).isEmpty();
        assertThat(parsed.text()).isEqualTo(held);
    }

    @Test
    void textAroundCallsIsKept() {
        ToolMarkup.Parsed parsed =
                ToolMarkup.parse("<tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call> then more");
        assertThat(parsed.calls()).hasSize(1);
        assertThat(parsed.text()).isEqualTo("then more");
    }

    @Test
    void theGatePassesTextUntilAMarkerAndHoldsTheRest() {
        ToolMarkup gate = new ToolMarkup();
        assertThat(gate.feed("Let me check. <tool")).isEqualTo("Let me check. ");
        assertThat(gate.feed("_call>{\"name\":")).isEmpty();
        assertThat(gate.capturing()).isTrue();
        assertThat(gate.feed("\"f\"}</tool_call>")).isEmpty();
        assertThat(gate.release()).isEqualTo("<tool_call>{\"name\":\"f\"}</tool_call>");
    }

    @Test
    void aTailThatIsNoMarkerAfterAllIsPassedOn() {
        ToolMarkup gate = new ToolMarkup();
        assertThat(gate.feed("a <")).isEqualTo("a ");
        assertThat(gate.feed("b> c")).isEqualTo("<b> c");
        assertThat(gate.capturing()).isFalse();
        assertThat(gate.release()).isEmpty();
    }

    static LongStream seeds() {
        return LongStream.range(0, 100);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anySplitOfTheTextGivesTheSameResult(long seed) {
        String text = "Sure. " + KIMI;
        SplittableRandom random = new SplittableRandom(seed);
        ToolMarkup gate = new ToolMarkup();
        StringBuilder shown = new StringBuilder();
        int at = 0;
        while (at < text.length()) {
            int next = Math.min(text.length(), at + 1 + random.nextInt(12));
            shown.append(gate.feed(text.substring(at, next)));
            at = next;
        }
        assertThat(shown.toString()).as("seed %d", seed).isEqualTo("Sure. ");
        assertThat(gate.release()).as("seed %d", seed).isEqualTo(KIMI);
    }
}
