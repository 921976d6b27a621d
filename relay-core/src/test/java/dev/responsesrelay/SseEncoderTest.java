package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.fixtures.Samples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wire form {@link SseEncoder} writes, and that {@link SseDecoder} reads it back unchanged. */
final class SseEncoderTest {

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

    static Stream<SseEvent> bytesMatchTextEvents() {
        return Stream.of(
                SseEvent.of("response.output_text.delta", "{\"delta\":\"plain ASCII\"}"),
                SseEvent.of("x", "é ß ü"), // 2-byte UTF-8
                SseEvent.of("x", "中文 € \uFFFD"), // 3-byte UTF-8
                SseEvent.of("x", "😀 and 𝄞"), // surrogate pairs: 4-byte UTF-8
                SseEvent.of("x", "lone high \uD83D then text"),
                SseEvent.of("x", "lone low \uDE00 then text"),
                SseEvent.of("x", "high at the end \uD83D"),
                SseEvent.of("x", "high before a line break \uD83D\nnext"),
                SseEvent.of("x", "two highs \uD83D\uD83D\uDE00"),
                SseEvent.of("x", "one\ntwo\r\nthree\rfour\n"),
                SseEvent.of("x", "\n\n\r\r\n"),
                SseEvent.of("x", ""),
                SseEvent.of("名前😀", "a name outside ASCII"),
                SseEvent.of("x", "é".repeat(5000) + "\n" + "😀".repeat(5000)));
    }

    @ParameterizedTest
    @MethodSource("bytesMatchTextEvents")
    void utf8BytesAreTheTextsGetBytes(SseEvent event) {
        byte[] expected = SseEncoder.encode(event).getBytes(StandardCharsets.UTF_8);

        assertThat(SseEncoder.encodeUtf8(event)).isEqualTo(expected);
        SseEncoder.Utf8Buffer small = new SseEncoder.Utf8Buffer(1); // forces growth on every path
        SseEncoder.encodeUtf8(event, small);
        assertThat(small.toByteArray()).isEqualTo(expected);
    }

    @Test
    void loneSurrogatesBecomeQuestionMarks() {
        // What String.getBytes(UTF_8) writes for them: a replacement, never a CESU-8 sequence.
        assertThat(SseEncoder.encodeUtf8(SseEvent.of("x", "a\uD83Db\uDE00c")))
                .isEqualTo("event: x\ndata: a?b?c\n\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReusedBufferHoldsABatchOfEventsBackToBack() {
        SseEncoder.Utf8Buffer buffer = new SseEncoder.Utf8Buffer(16);
        SseEncoder.encodeUtf8(SseEvent.of("stale", "from the previous batch"), buffer);
        buffer.clear();

        SseEncoder.encodeUtf8(SseEvent.of("a", "1"), buffer);
        SseEncoder.encodeUtf8(SseEvent.of("b", "two\nlines"), buffer);
        SseEncoder.encodeDataUtf8("[DONE]", buffer);

        String expected = SseEncoder.encode(SseEvent.of("a", "1"))
                + SseEncoder.encode(SseEvent.of("b", "two\nlines"))
                + SseEncoder.encodeData("[DONE]");
        assertThat(new String(buffer.array(), 0, buffer.size(), StandardCharsets.UTF_8))
                .isEqualTo(expected);
        assertThat(buffer.asByteBuffer().remaining()).isEqualTo(buffer.size());
        assertThat(SseDecoder.create().feed(buffer.toByteArray()))
                .containsExactly(
                        SseEvent.of("a", "1"), SseEvent.of("b", "two\nlines"), SseEvent.of("message", "[DONE]"));
    }

    @Test
    void badEventNameLeavesTheBufferUnchanged() {
        SseEncoder.Utf8Buffer buffer = new SseEncoder.Utf8Buffer();
        SseEncoder.encodeUtf8(SseEvent.of("a", "1"), buffer);
        int before = buffer.size();

        assertThatThrownBy(() -> SseEncoder.encodeUtf8(SseEvent.of("x\ny", "{}"), buffer))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(buffer.size()).isEqualTo(before);
    }

    @Test
    void randomTextEncodesLikeGetBytes() {
        // Random UTF-16, including unpaired surrogates and line breaks, from a fixed seed.
        Random random = new Random(8);
        char[] alphabet = {
            'a', 'Z', '"', '\n', '\r', 'é', '中', '\uD83D', '\uDE00', '\uDBFF', '\uDC00', '\u07FF', '\u0800'
        };
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            SseEvent event = SseEvent.of("x", text.toString());
            String data = text.toString();

            assertThat(SseEncoder.encodeUtf8(event))
                    .as("%s", data)
                    .isEqualTo(SseEncoder.encode(event).getBytes(StandardCharsets.UTF_8));
            SseEncoder.Utf8Buffer buffer = new SseEncoder.Utf8Buffer(0);
            SseEncoder.encodeDataUtf8(data, buffer);
            assertThat(buffer.toByteArray())
                    .as("%s", data)
                    .isEqualTo(SseEncoder.encodeData(data).getBytes(StandardCharsets.UTF_8));
        }
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
    void realCodexStreamsSurviveDecodeEncodeDecode() {
        List<String> files = Samples.list("codex-0.169.0/sse/", ".sse");
        assertThat(files).isNotEmpty();

        for (String file : files) {
            SseDecoder first = SseDecoder.create();
            List<SseEvent> events = new ArrayList<>(first.feed(Samples.bytes(file)));
            events.addAll(first.finish());
            SseDecoder second = SseDecoder.create();
            List<SseEvent> again = new ArrayList<>();
            for (SseEvent event : events) {
                again.addAll(second.feed(SseEncoder.encodeUtf8(event)));
            }
            again.addAll(second.finish());

            assertThat(events).as(file).isNotEmpty();
            assertThat(again).as(file).isEqualTo(events);
        }
    }
}
