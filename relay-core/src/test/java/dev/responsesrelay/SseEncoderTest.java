package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wire form {@link SseEncoder} writes, and that {@link SseDecoder} reads it back unchanged. */
final class SseEncoderTest {
    private static final Path CODEX_SSE = Path.of(
                    Objects.requireNonNull(System.getProperty("relay.shared.dir"), "relay.shared.dir is not set"))
            .resolve("data/codex-0.169.0/sse");

    @Test
    void singleLineEvent() {
        assertThat(SseEncoder.encode(SseEvent.of("response.created", "{\"type\":\"response.created\"}")))
                .isEqualTo("event: response.created\ndata: {\"type\":\"response.created\"}\n\n");
    }

    @Test
    void multiLineDataGetsOneDataLinePerLine() {
        assertThat(SseEncoder.encode(SseEvent.of("x", "one\ntwo\n\nfour")))
                .isEqualTo("event: x\ndata: one\ndata: two\ndata: \ndata: four\n\n");
    }

    @Test
    void crlfAndCrInDataAreLineBreaksToo() {
        // A decoder would split on them anyway; writing them raw would corrupt the framing.
        assertThat(SseEncoder.encode(SseEvent.of("x", "a\r\nb\rc")))
                .isEqualTo("event: x\ndata: a\ndata: b\ndata: c\n\n");
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertThat(SseEncoder.encode(SseEvent.of("x", ""))).isEqualTo("event: x\ndata: \n\n");
    }

    @Test
    void trailingLineBreakInDataIsKept() {
        assertThat(SseEncoder.encode(SseEvent.of("x", "a\n"))).isEqualTo("event: x\ndata: a\ndata: \n\n");
    }

    @Test
    void utf8BytesMatchTheText() {
        SseEvent event = SseEvent.of("response.output_text.delta", "{\"delta\":\"中文😀\"}");

        assertThat(SseEncoder.encodeUtf8(event))
                .isEqualTo(SseEncoder.encode(event).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventNameWithALineBreakIsRejected() {
        // It would end the event: line early and inject a field of its own.
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("x\ndata: injected", "{}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("x\r", "{}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commentIsALineTheDecoderIgnores() {
        String comment = SseEncoder.comment("keep-alive");

        assertThat(comment).isEqualTo(": keep-alive\n\n");
        assertThat(SseDecoder.create().feed(comment + SseEncoder.encode(SseEvent.of("x", "1"))))
                .containsExactly(SseEvent.of("x", "1"));
    }

    @Test
    void multiLineCommentIsRejected() {
        assertThatThrownBy(() -> SseEncoder.comment("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SseEncoder.comment("a\rb")).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<SseEvent> roundTripEvents() {
        return Stream.of(
                SseEvent.of("response.output_text.delta", "{\"delta\":\"Hello\"}"),
                SseEvent.of("message", "multi\nline\n\ndata"),
                SseEvent.of("x", ""),
                SseEvent.of("x", "\n"),
                SseEvent.of("x", " leading space"),
                SseEvent.of("x", "data: looks like a field"),
                SseEvent.of("x", ": looks like a comment"),
                SseEvent.of("x", "\uFEFFbyte order mark first"),
                SseEvent.of("x", "é€😀中文"),
                SseEvent.of("error", "{\"error\":{\"message\":\"boom\"}}"));
    }

    @ParameterizedTest
    @MethodSource("roundTripEvents")
    void encoderThenDecoderGivesTheSameEvent(SseEvent event) {
        SseDecoder decoder = SseDecoder.create();
        // A leading event makes the byte-order-mark case sit after the stream start, as it would.
        List<SseEvent> events = new ArrayList<>(decoder.feed(SseEncoder.encodeUtf8(SseEvent.of("first", "1"))));
        events.addAll(decoder.feed(SseEncoder.encodeUtf8(event)));
        events.addAll(decoder.finish());

        assertThat(events).containsExactly(SseEvent.of("first", "1"), event);
    }

    @Test
    void crInDataComesBackAsLf() {
        // SSE has no way to carry a CR in data: every line break decodes to LF.
        String wire = SseEncoder.encode(SseEvent.of("x", "a\r\nb\rc"));

        assertThat(SseDecoder.create().feed(wire)).containsExactly(SseEvent.of("x", "a\nb\nc"));
    }

    @Test
    void realCodexStreamsSurviveDecodeEncodeDecode() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(CODEX_SSE)) {
            files = listing.filter(path -> path.toString().endsWith(".sse"))
                    .sorted()
                    .toList();
        }
        assertThat(files).isNotEmpty();

        for (Path file : files) {
            SseDecoder first = SseDecoder.create();
            List<SseEvent> events = new ArrayList<>(first.feed(Files.readAllBytes(file)));
            events.addAll(first.finish());
            SseDecoder second = SseDecoder.create();
            List<SseEvent> again = new ArrayList<>();
            for (SseEvent event : events) {
                again.addAll(second.feed(SseEncoder.encodeUtf8(event)));
            }
            again.addAll(second.finish());

            assertThat(events).as(file.getFileName().toString()).isNotEmpty();
            assertThat(again).as(file.getFileName().toString()).isEqualTo(events);
        }
    }
}
