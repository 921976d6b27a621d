package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.internal.Utf8Data;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A decoded event's chunk is parsed from its UTF-8 bytes ({@link ResponsesStream#onEvent}), a String
 * chunk from its text ({@link ResponsesStream#onData}). Both must give the same events, errors and
 * error messages included. The chunks are synthetic, OpenAI-shaped after docs/dialects.md §1, with the
 * byte-level oddities a real upstream can send: multi-byte text, malformed UTF-8, broken JSON.
 */
class ChunkBytesPathTest {
    @Test
    void theBytesAccessorCannotBeReplacedOnceSseEventHasLoaded() {
        SseEvent loaded = SseEvent.of("message", "{}");

        assertThatThrownBy(() -> Utf8Data.setAccess(event -> new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThat(loaded.data()).isEqualTo("{}");
    }

    private static final String ROLE =
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}";

    static List<List<byte[]>> streams() {
        List<List<byte[]>> streams = new ArrayList<>();
        streams.add(List.of(utf8(ROLE), utf8(text("Grüße 👋 \\u00e9")), utf8(finish("stop")), utf8("[DONE]")));
        // Malformed UTF-8 in the content: the text path reads U+FFFD, so must the bytes path.
        streams.add(List.of(
                utf8(ROLE),
                concat(utf8(textPrefix()), new byte[] {(byte) 0xC3, 'x', (byte) 0xFF}, utf8("\"}}]}")),
                utf8(finish("stop"))));
        // Malformed UTF-8 in a field name and in a skipped value.
        streams.add(List.of(
                utf8(ROLE),
                concat(utf8("{\"x"), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\":1,\"choices\":[]}")),
                concat(utf8("{\"skipped\":\""), new byte[] {(byte) 0xF0, (byte) 0x9F}, utf8("\",\"choices\":[]}")),
                utf8(finish("stop"))));
        // UTF-8 that Jackson's byte parser accepts but RFC 3629 forbids: overlong forms (C0 80, E0 80 80,
        // C1 BF) and a code point above U+10FFFF (F4 90 80 80). The text path reads them as U+FFFD.
        streams.add(List.of(
                utf8(ROLE),
                concat(utf8(textPrefix()), new byte[] {(byte) 0xC0, (byte) 0x80, 'a'}, utf8("\"}}]}")),
                concat(utf8(textPrefix()), new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, utf8("\"}}]}")),
                concat(utf8(textPrefix()), new byte[] {(byte) 0xC1, (byte) 0xBF}, utf8("\"}}]}")),
                concat(
                        utf8(textPrefix()),
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                        utf8("\"}}]}")),
                utf8(finish("stop"))));
        // An overlong 'o' (C1 AF) inside a field name: the byte parser would read the key as
        // "content", the text path as an unknown key that is skipped.
        streams.add(List.of(
                utf8(ROLE),
                concat(
                        utf8("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"c"),
                        new byte[] {(byte) 0xC1, (byte) 0xAF},
                        utf8("ntent\":\"smuggled\"}}]}")),
                utf8(finish("stop"))));
        streams.add(
                List.of(utf8(ROLE), utf8("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}"))); // cut short
        streams.add(List.of(utf8(ROLE), utf8("{\"choices\":{}}"))); // a known field of the wrong type
        streams.add(List.of(utf8(ROLE), utf8("{\"choices\":[]} trailing")));
        streams.add(List.of(
                utf8(ROLE), utf8(text("partial")), utf8("{\"error\":{\"message\":\"overloaded\",\"code\":503}}")));
        streams.add(List.of(utf8(ROLE), utf8("{\"a\":1,\u0000}")));
        streams.add(List.of(utf8("{\u0000\"choices\":[]}")));
        streams.add(List.of(utf8(ROLE), utf8(text("x")), utf8("  [DONE]  ")));
        return streams;
    }

    @ParameterizedTest
    @MethodSource("streams")
    void bytesAndTextGiveTheSameEvents(List<byte[]> chunks) {
        ResponsesStream fromBytes = translation().newStream();
        ResponsesStream fromText = translation().newStream();
        List<SseEvent> bytesEvents = new ArrayList<>();
        List<SseEvent> textEvents = new ArrayList<>();
        for (byte[] chunk : chunks) {
            List<SseEvent> decoded = SseDecoder.create().feed(concat(utf8("data: "), chunk, utf8("\n\n")));
            assertThat(decoded).hasSize(1);
            bytesEvents.addAll(fromBytes.onEvent(decoded.get(0)));
            textEvents.addAll(fromText.onData(new String(chunk, StandardCharsets.UTF_8)));
        }
        bytesEvents.addAll(fromBytes.onEnd());
        textEvents.addAll(fromText.onEnd());
        assertThat(bytesEvents).isEqualTo(textEvents);
        // RelayError has no equals; its toString shows status, type, code and message.
        assertThat(fromBytes.error().map(RelayError::toString))
                .isEqualTo(fromText.error().map(RelayError::toString));
    }

    private static Translation translation() {
        return ResponsesTranslator.builder()
                .idGenerator(IdGenerator.sequential())
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .build()
                .translate("{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}");
    }

    private static String textPrefix() {
        return "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
    }

    private static String text(String content) {
        return textPrefix() + content + "\"}}]}";
    }

    private static String finish(String reason) {
        return "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
