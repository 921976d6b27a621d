package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The start of a JSON string decoded from its bytes: escapes, multi-byte UTF-8, and the limit. */
class JsonStringPrefixTest {
    private static String decode(String jsonContent, int maxChars) {
        byte[] utf8 = jsonContent.getBytes(StandardCharsets.UTF_8);
        return JsonStringPrefix.decode(utf8, 0, utf8.length, maxChars);
    }

    @Test
    void decodesEveryEscape() {
        assertThat(decode("a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\ud83d\\ude00", 100))
                .isEqualTo("a\"b\\c/d\be\ff\ng\rh\ti\u00e9\ud83d\ude00");
    }

    @Test
    void stopsAtTheLimit() {
        assertThat(decode("abcdef", 4)).isEqualTo("abcd");
        assertThat(decode("ab\\ncd", 3)).isEqualTo("ab\n");
        assertThat(decode("ab", 4)).isEqualTo("ab");
    }

    @Test
    void neverReturnsAPartOfAMultiByteCharAsAReplacement() {
        // The limit falls where a run is cut by bytes: 3 bytes a char for 日, 4 for 😀.
        for (int limit = 1; limit < 12; limit++) {
            assertThat(decode("日本語日本語日本語日本語", limit)).isEqualTo("日本語日本語日本語日本語".substring(0, limit));
            String emoji = "😀😀😀😀😀😀";
            assertThat(decode(emoji, limit)).isEqualTo(emoji.substring(0, limit));
        }
    }
}
