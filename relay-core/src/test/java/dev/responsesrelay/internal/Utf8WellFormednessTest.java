package dev.responsesrelay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8Data#isWellFormed} decides whether a chunk may take Jackson's byte parser. The
 * JDK's UTF-8 decoder, set to report malformed input, follows RFC 3629 strictly, so it is the oracle.
 */
class Utf8WellFormednessTest {
    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(20261122);
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly high bytes, so that lead and continuation bytes meet in every combination.
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            assertThat(Utf8Data.isWellFormed(bytes))
                    .as("bytes %s", HexFormat.of().formatHex(bytes))
                    .isEqualTo(strictlyDecodes(bytes));
        }
    }

    @Test
    void acceptsEveryCodePointAndRefusesOverlongSurrogateAndOutOfRangeForms() {
        for (int cp = 0; cp <= 0x10FFFF; cp += (cp < 0x3000 ? 1 : 97)) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            assertThat(Utf8Data.isWellFormed(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)))
                    .as("U+%04X", cp)
                    .isTrue();
        }
        assertThat(Utf8Data.isWellFormed(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse();
        assertThat(Utf8Data.isWellFormed(new byte[] {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF}))
                .isFalse();
        assertThat(Utf8Data.isWellFormed(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}))
                .isFalse();
        assertThat(Utf8Data.isWellFormed(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}))
                .isFalse();
        assertThat(Utf8Data.isWellFormed(new byte[] {(byte) 0xE2, (byte) 0x82})).isFalse();
    }

    private static boolean strictlyDecodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
