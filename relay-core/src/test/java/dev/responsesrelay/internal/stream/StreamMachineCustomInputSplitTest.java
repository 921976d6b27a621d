package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.internal.StringFieldExtractor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live custom-tool input preview ({@link StringFieldExtractor}): any split of the JSON
 * arguments decodes to exactly the input a full parse gives, escapes and surrogate pairs included.
 */
class StreamMachineCustomInputSplitTest {
    private static final String PATCH =
            "*** Begin Patch\n*** Update File: \"a b\".txt\n@@\n-\told\\path\n+new / ünïcode 😀 \u0001\n*** End Patch\n";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"input\":%s}",
                "{ \"other\": {\"input\": \"nested, not this\"}, \"n\": [1, \"]\"], \"input\" : %s }",
                "{\"inputs\":\"not this\",\"input\":%s,\"input\":\"second occurrence ignored\"}"
            })
    void everySplitDecodesTheSameInput(String template) {
        String arguments = String.format(template, jsonWithUnicodeEscapes(PATCH));
        for (int cut = 0; cut <= arguments.length(); cut++) {
            StringFieldExtractor extractor = new StringFieldExtractor("input");
            String decoded = extractor.feed(arguments.substring(0, cut)) + extractor.feed(arguments.substring(cut));
            assertThat(decoded).as("cut at %d", cut).isEqualTo(PATCH);
        }
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            StringFieldExtractor extractor = new StringFieldExtractor("input");
            StringBuilder decoded = new StringBuilder();
            int from = 0;
            while (from < arguments.length()) {
                int to = Math.min(arguments.length(), from + random.nextInt(0, 9));
                decoded.append(extractor.feed(arguments.substring(from, to)));
                from = to;
            }
            assertThat(decoded.toString()).as("seed %d", seed).isEqualTo(PATCH);
        }
    }

    @Test
    void aNonStringValueYieldsNothing() {
        StringFieldExtractor extractor = new StringFieldExtractor("input");
        assertThat(extractor.feed("{\"input\": 42, \"x\": \"y\"}")).isEmpty();
    }

    @Test
    void aHalfSurrogatePairIsHeldUntilItsOtherHalf() {
        StringFieldExtractor extractor = new StringFieldExtractor("input");
        String first = extractor.feed("{\"input\":\"a\\ud83d");
        String second = extractor.feed("\\ude00b\"}");
        assertThat(first).isEqualTo("a");
        assertThat(second).isEqualTo("😀b");
    }

    /** JSON string text for {@code value}, with every non-ASCII character as a \\u escape. */
    private static String jsonWithUnicodeEscapes(String value) {
        String json = Chunks.quote(value);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
