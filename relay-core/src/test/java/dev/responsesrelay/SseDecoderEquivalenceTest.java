package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SseDecoder} scans for line ends in bulk and reads a line where it lies in the caller's
 * array when the line ends in the same feed; otherwise it copies the line's start. These tests pin
 * the branches of that fast path, and hold the decoder to the byte-at-a-time decoder it replaced
 * ({@link ByteAtATimeSseDecoder}) on synthetic streams: every field kind, every line ending, a
 * byte-order mark, multi-byte characters, size limits, cut into random feeds.
 */
final class SseDecoderEquivalenceTest {
    @Test
    void dataLineSplitExactlyAtTheCrOfItsCrlf() {
        SseDecoder decoder = SseDecoder.create();

        // The first feed ends on the CR: the line is complete, its LF still to come.
        assertThat(decoder.feed(bytes("data: a\r"))).isEmpty();
        // That LF alone is no blank line, so nothing is dispatched yet.
        assertThat(decoder.feed(bytes("\n"))).isEmpty();
        assertThat(decoder.feed(bytes("\r\n"))).containsExactly(message("a"));
    }

    @Test
    void lineKeptAcrossFeedsThenSplitAtTheCrOfItsCrlf() {
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed(bytes("data: hel"))).isEmpty();
        assertThat(decoder.feed(bytes("lo\r"))).isEmpty();
        assertThat(decoder.feed(bytes("\ndata: next\r\n\r\n"))).containsExactly(message("hello\nnext"));
    }

    @Test
    void lfAfterACrThatEndedAnEmptyFeedIsStillPartOfTheCrlf() {
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed(bytes("data: a\r"))).isEmpty();
        assertThat(decoder.feed(new byte[0])).isEmpty();
        // Had the empty feed forgotten the CR, this LF would be a blank line and dispatch "a" alone.
        assertThat(decoder.feed(bytes("\ndata: b\n\n"))).containsExactly(message("a\nb"));
    }

    @Test
    void lineStartedInOneFeedAndEndedInAThirdIsJoined() {
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed(bytes("da"))).isEmpty();
        assertThat(decoder.feed(bytes("ta: hel"))).isEmpty();
        assertThat(decoder.feed(bytes("lo\n\ndata: next\n\n"))).containsExactly(message("hello"), message("next"));
    }

    @Test
    void hugeSingleLineEventAtTheLimitInOneFeed() {
        int limit = 4 * 1024 * 1024;
        String data = "x".repeat(limit - "data: ".length());

        List<SseEvent> events = SseDecoder.create(limit).feed(bytes("data: " + data + "\n\n"));

        assertThat(events).containsExactly(message(data));
    }

    @Test
    void hugeSingleLineEventAtTheLimitInEightKilobyteReads() {
        int limit = 4 * 1024 * 1024;
        String data = "y".repeat(limit - "data: ".length());
        byte[] stream = bytes("data: " + data + "\n\n");
        SseDecoder decoder = SseDecoder.create(limit);

        List<SseEvent> events = new ArrayList<>();
        for (int offset = 0; offset < stream.length; offset += 8192) {
            events.addAll(decoder.feed(stream, offset, Math.min(8192, stream.length - offset)));
        }

        assertThat(events).containsExactly(message(data));
    }

    @Test
    void lineOneByteOverTheLimitThrowsWhetherWholeOrSplit() {
        int limit = 1024;
        byte[] stream = bytes("data: " + "z".repeat(limit - "data: ".length() + 1) + "\n\n");

        assertThatThrownBy(() -> SseDecoder.create(limit).feed(stream))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SSE line longer than 1024 bytes");
        SseDecoder split = SseDecoder.create(limit);
        split.feed(stream, 0, 100);
        assertThatThrownBy(() -> split.feed(stream, 100, stream.length - 100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SSE line longer than 1024 bytes");
    }

    @Test
    void unterminatedLineOverTheLimitThrowsBeforeItsEndArrives() {
        SseDecoder decoder = SseDecoder.create(64);

        assertThatThrownBy(() -> decoder.feed(bytes("data: " + "w".repeat(64))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SSE line longer than 64 bytes");
    }

    @Test
    void lineWithoutAColonAtTheVeryEndOfTheArrayIsAFieldWithAnEmptyValue() {
        SseDecoder decoder = SseDecoder.create();

        // "data" with no colon, its LF the last byte of the array: the value would start past it.
        assertThat(decoder.feed(bytes("data\n"))).isEmpty();
        assertThat(decoder.feed(bytes("\n"))).containsExactly(message(""));
    }

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomStreamsInRandomFeedsDecodeAsTheByteAtATimeDecoderDid(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] stream = syntheticStream(random);
        int limit = random.nextInt(4) == 0 ? random.nextInt(8, 120) : 1 << 20;

        long cutSeed = random.nextLong();
        ByteAtATimeSseDecoder oracle = new ByteAtATimeSseDecoder(limit);
        SseDecoder decoder = SseDecoder.create(limit);

        Outcome expected = decode(
                stream,
                new ByteDecoder() {
                    @Override
                    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
                        return oracle.feed(bytes, offset, length);
                    }

                    @Override
                    public List<SseEvent> finish() {
                        return oracle.finish();
                    }
                },
                cutSeed);
        Outcome actual = decode(
                stream,
                new ByteDecoder() {
                    @Override
                    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
                        return decoder.feed(bytes, offset, length);
                    }

                    @Override
                    public List<SseEvent> finish() {
                        return decoder.finish();
                    }
                },
                cutSeed);

        assertThat(actual).as("seed %d, limit %d", seed, limit).isEqualTo(expected);
    }

    /**
     * A synthetic stream after the WHATWG event-stream grammar and the quirks of docs/dialects.md §2: data
     * lines with and without the space, bare field names, event, error (llama.cpp), id, retry,
     * unknown fields, comments and blank lines, with CRLF, LF or CR ends chosen per line.
     */
    private static byte[] syntheticStream(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(4) == 0) {
            out.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        }
        String[] ends = {"\n", "\r\n", "\r"};
        int lines = random.nextInt(1, 40);
        for (int i = 0; i < lines; i++) {
            String line = switch (random.nextInt(12)) {
                case 0, 1, 2, 3 -> "data: " + text(random);
                case 4 -> "data:" + text(random);
                case 5 -> "data";
                case 6 -> "event: " + text(random);
                case 7 -> "error: {\"error\":\"" + text(random) + "\"}";
                case 8 -> random.nextBoolean() ? "id: 7" : "retry: 100";
                case 9 -> ": keep-alive";
                case 10 -> "unknown:" + text(random);
                default -> "";
            };
            out.writeBytes(bytes(line + ends[random.nextInt(ends.length)]));
        }
        if (random.nextBoolean()) {
            out.writeBytes(bytes("data: unterminated " + text(random)));
        }
        return out.toByteArray();
    }

    private static String text(SplittableRandom random) {
        String[] pieces = {"a", "{\"x\":1}", " ", "é", "€", "😀", ":", "data:", "xxxxxxxxxxxxxxxx"};
        StringBuilder text = new StringBuilder();
        int count = random.nextInt(0, 12);
        for (int i = 0; i < count; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    /** What a decoder gave for each feed, and the exception that stopped it, if any. */
    record Outcome(List<List<SseEvent>> perFeed, @Nullable String failure) {}

    /** The two decoders' common surface. */
    private interface ByteDecoder {
        List<SseEvent> feed(byte[] bytes, int offset, int length);

        List<SseEvent> finish();
    }

    private static Outcome decode(byte[] stream, ByteDecoder decoder, long cutSeed) {
        SplittableRandom cuts = new SplittableRandom(cutSeed);
        List<List<SseEvent>> perFeed = new ArrayList<>();
        try {
            int offset = 0;
            while (offset < stream.length) {
                int length = cut(stream.length - offset, cuts);
                perFeed.add(decoder.feed(stream, offset, length));
                offset += length;
            }
            perFeed.add(decoder.finish());
            return new Outcome(perFeed, null);
        } catch (IllegalStateException e) {
            return new Outcome(perFeed, e.getMessage());
        }
    }

    /** Mostly tiny feeds, which cut CRLFs and UTF-8 sequences, sometimes empty or large ones. */
    private static int cut(int left, SplittableRandom cuts) {
        int length = cuts.nextInt(8) == 0 ? cuts.nextInt(1, 600) : cuts.nextInt(0, 9);
        return Math.min(left, length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static SseEvent message(String data) {
        return SseEvent.of("message", data);
    }
}
