package dev.responsesrelay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link CharBufferWriter} keeps a text longer than its buffer as segments (issue 18): what {@link
 * CharBufferWriter#take()} returns must be the text written, whatever the mix of writes, wherever
 * the segment boundaries fall, and the writer must be reusable after it.
 */
class CharBufferWriterTest {
    @Test
    void aShortTextComesBackWhole() throws Exception {
        CharBufferWriter writer = new CharBufferWriter();
        writer.write("{\"type\":");
        writer.write('"');
        writer.write("delta\"}".toCharArray(), 0, 7);

        assertThat(writer.take()).isEqualTo("{\"type\":\"delta\"}");
        assertThat(writer.take()).isEmpty();
    }

    @Test
    void aTextOfManySegmentsComesBackWholeWithPairsSplitAcrossSegments() throws Exception {
        // Latin-1, other BMP chars and surrogate pairs (U+1F600), in writes of odd sizes, so that
        // segment boundaries fall inside pairs as well as between them.
        StringBuilder expected = new StringBuilder();
        CharBufferWriter writer = new CharBufferWriter();
        String[] pieces = {"loop ", "\u00e9t\u00e9 ", "\u4e2d\u6587", "\ud83d\ude00", "x".repeat(7001)};
        int written = 0;
        for (int i = 0; written < 5 * CharBufferWriter.SEGMENT_CHARS; i++) {
            String piece = pieces[i % pieces.length];
            switch (i % 3) {
                case 0 -> writer.write(piece);
                case 1 -> writer.write(piece.toCharArray(), 0, piece.length());
                default -> {
                    for (int c = 0; c < piece.length(); c++) {
                        writer.write(piece.charAt(c));
                    }
                }
            }
            expected.append(piece);
            written += piece.length();
        }
        // One write longer than a segment, too.
        String longWrite = "y".repeat(3 * CharBufferWriter.SEGMENT_CHARS + 17);
        writer.write(longWrite);
        expected.append(longWrite);

        assertThat(writer.take()).isEqualTo(expected.toString());
        writer.write("next");
        assertThat(writer.take()).isEqualTo("next");
    }
}
