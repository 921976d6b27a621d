package dev.responsesrelay.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Any split of the content into fragments gives the same reasoning and text runs. */
class ThinkTagSplitterSplitTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "<think>\nThe user wants X.\nI'll do Y.\n</think>\n\nHere is Y.",
                "  <thinking>a < b, and </think> is not my closer</thinking>answer <think>literal</think>",
                "</think>\n\nafter a prompt-opened block",
                "<thought>unterminated </though",
                "No tags at all, but a < sign and </ and <th.",
                "\n\n<think></think>\n\nempty block"
            })
    void everySplitGivesTheSameRuns(String content) {
        List<String> whole = ThinkTagSplitterTest.split(false, content);
        for (int cut = 0; cut <= content.length(); cut++) {
            assertThat(ThinkTagSplitterTest.split(false, content.substring(0, cut), content.substring(cut)))
                    .as("cut at %d", cut)
                    .isEqualTo(whole);
        }
        for (long seed = 0; seed < 200; seed++) {
            assertThat(ThinkTagSplitterTest.split(false, randomFragments(content, new SplittableRandom(seed))))
                    .as("seed %d", seed)
                    .isEqualTo(whole);
        }
    }

    private static String[] randomFragments(String content, SplittableRandom random) {
        List<String> fragments = new ArrayList<>();
        int from = 0;
        while (from < content.length()) {
            int to = Math.min(content.length(), from + random.nextInt(0, 6));
            fragments.add(content.substring(from, to));
            from = to;
        }
        return fragments.toArray(String[]::new);
    }
}
