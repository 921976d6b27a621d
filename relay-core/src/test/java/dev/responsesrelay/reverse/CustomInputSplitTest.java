package dev.responsesrelay.reverse;

import static dev.responsesrelay.reverse.ResponsesEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A custom tool's raw input reaches the Chat client as {@code {"input":"<raw>"}}, escaped one delta
 * at a time. Whatever the input and however the upstream splits it (inside escapes, between the
 * halves of a surrogate pair), the accumulated arguments must decode to exactly the raw input.
 */
class CustomInputSplitTest {
    private static final String ALPHABET = "ab \"\\\n\r\t\u0000\u001f/é\u2028😀*+-{}";

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anySplitOfTheInputAccumulatesToTheRawInput(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder input = new StringBuilder();
        int length = random.nextInt(0, 80);
        while (input.length() < length) {
            int at = random.nextInt(ALPHABET.length());
            // take whole code points so the raw input itself is well-formed text
            int codePoint = ALPHABET.codePointAt(Character.isLowSurrogate(ALPHABET.charAt(at)) ? at - 1 : at);
            input.appendCodePoint(codePoint);
        }
        String raw = input.toString();
        ResponsesEvents events = ResponsesEvents.stream().customCallAdded(0, "ctc_1", "call_1", "apply_patch");
        int start = 0;
        while (start < raw.length()) {
            int end = Math.min(raw.length(), start + random.nextInt(1, 6));
            events.customInputDelta(0, "ctc_1", raw.substring(start, end));
            start = end;
        }
        events.customCallDone(0, "ctc_1", "call_1", "apply_patch", raw).completed(usage(1, 0, 1, 0));

        ChatStreamCheck.Outcome outcome =
                ChatStreamCheck.feed(Fixtures.streaming().newStream(), events.data(), "reasoning_content");

        assertThat(outcome.toolCalls())
                .singleElement()
                .satisfies(
                        call -> assertThat(ChatStreamCheck.tree(call.function().arguments())
                                        .path("input")
                                        .textValue())
                                .as("seed %d", seed)
                                .isEqualTo(raw));
    }
}
