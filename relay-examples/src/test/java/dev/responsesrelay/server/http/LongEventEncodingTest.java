package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a long one-line event is written to the client in slices ({@link
 * SseAnswer#encodeLongEvent}); the bytes must be exactly those {@link SseEncoder} writes for the
 * whole event, wherever multi-byte chars and surrogate pairs fall against the slice boundaries.
 * The event is synthetic: a {@code response.output_text.done}-shaped line of JSON.
 */
class LongEventEncodingTest {
    @Test
    void aLongEventSlicedIsByteForByteTheEventEncodedWhole() {
        StringBuilder text = new StringBuilder();
        // Pieces of 1, 2, 3 and 4 UTF-8 bytes (U+1F600 is a surrogate pair) in a cycle of odd
        // length, so that slice boundaries fall inside pairs as well as between chars.
        String[] pieces = {"a", "\u00e9", "\u4e2d", "\ud83d\ude00", "loop "};
        for (int i = 0; text.length() < 5 * SseAnswer.LONG_EVENT_SLICE_CHARS + 7; i++) {
            text.append(pieces[i % pieces.length]);
        }
        SseEvent event = SseEvent.of(
                "response.output_text.done", "{\"type\":\"response.output_text.done\",\"text\":\"" + text + "\"}");
        SseEncoder.Utf8Buffer buffer = new SseEncoder.Utf8Buffer();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        AtomicInteger writes = new AtomicInteger();

        boolean sliced = SseAnswer.encodeLongEvent(event, () -> buffer, () -> {
            written.write(buffer.array(), 0, buffer.size());
            buffer.clear();
            writes.incrementAndGet();
        });
        written.write(buffer.array(), 0, buffer.size());

        assertThat(sliced).isTrue();
        assertThat(writes.get()).as("written in several writes").isGreaterThan(3);
        assertThat(written.toByteArray()).isEqualTo(SseEncoder.encodeUtf8(event));
    }

    @Test
    void shortEventsAndEventsOfSeveralLinesAreLeftToSseEncoder() {
        SseEncoder.Utf8Buffer buffer = new SseEncoder.Utf8Buffer();
        String longLines = "x".repeat(SseAnswer.LONG_EVENT_CHARS) + "\n" + "y".repeat(10);

        assertThat(SseAnswer.encodeLongEvent(SseEvent.of("e", "short"), () -> buffer, () -> {}))
                .isFalse();
        assertThat(SseAnswer.encodeLongEvent(SseEvent.of("e", longLines), () -> buffer, () -> {}))
                .isFalse();
        assertThat(buffer.isEmpty()).isTrue();
    }
}
