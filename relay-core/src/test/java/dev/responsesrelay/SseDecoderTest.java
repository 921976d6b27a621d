package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.fixtures.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per wire quirk of {@code text/event-stream} (WHATWG "Interpreting an event stream",
 * docs/dialects.md §2 rules 1-3), in the style of OkHttp's ServerSentEventIteratorTest.
 */
final class SseDecoderTest {
    /** Real: Kimi writes data: with no space (docs/dialects.md §1.3). */
    private static final String KIMI = "kimi-for-coding-stream-excerpt-gomodel.sse";

    /** Real: comment lines and multi-byte UTF-8 content (docs/dialects.md §1.8). */
    private static final String OPENROUTER = "openrouter-stream-processing-comments.sse";

    // Line endings

    @Test
    void lfLineEndings() {
        assertThat(decode("data: a\n\ndata: b\n\n")).containsExactly(message("a"), message("b"));
    }

    @Test
    void crlfLineEndings() {
        assertThat(decode("data: a\r\n\r\ndata: b\r\n\r\n")).containsExactly(message("a"), message("b"));
    }

    @Test
    void crLineEndings() {
        assertThat(decode("data: a\r\rdata: b\r\r")).containsExactly(message("a"), message("b"));
    }

    @Test
    void mixedLineEndings() {
        assertThat(decode("data: a\r\ndata: b\rdata: c\n\r\n")).containsExactly(message("a\nb\nc"));
    }

    @Test
    void crlfSplitAcrossFeedsIsOneLineBreak() {
        SseDecoder decoder = SseDecoder.create();

        List<SseEvent> events = new ArrayList<>(decoder.feed("data: a\r"));
        events.addAll(decoder.feed("\ndata: b\r"));
        events.addAll(decoder.feed("\n\r"));
        events.addAll(decoder.feed("\n"));

        // Had the split CRLF counted twice, "a" would have been dispatched on its own.
        assertThat(events).containsExactly(message("a\nb"));
    }

    @Test
    void crAtEndOfFeedFollowedByCrIsTwoLineBreaks() {
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed("data: a\r")).isEmpty();
        assertThat(decoder.feed("\r")).containsExactly(message("a"));
    }

    // Fields

    @Test
    void dataWithoutSpaceAfterColon() {
        assertThat(decode("data:{\"a\":1}\n\n")).containsExactly(message("{\"a\":1}"));
    }

    @Test
    void onlyOneSpaceAfterColonIsRemoved() {
        assertThat(decode("data:  two\n\n")).containsExactly(message(" two"));
    }

    @Test
    void multiLineDataIsJoinedWithLf() {
        assertThat(decode("data: first\ndata:\ndata: third\n\n")).containsExactly(message("first\n\nthird"));
    }

    @Test
    void emptyDataLineDispatchesAnEmptyEvent() {
        assertThat(decode("data:\n\n")).containsExactly(message(""));
    }

    @Test
    void fieldNameWithoutColonHasAnEmptyValue() {
        assertThat(decode("data\n\n")).containsExactly(message(""));
    }

    @Test
    void commentsAreIgnored() {
        assertThat(decode(": keep-alive\n\n: OPENROUTER PROCESSING\n\ndata: a\n: inside\ndata: b\n\n"))
                .containsExactly(message("a\nb"));
    }

    @Test
    void eventFieldNamesTheEvent() {
        assertThat(decode("event: response.created\ndata: {}\n\n"))
                .containsExactly(SseEvent.of("response.created", "{}"));
    }

    @Test
    void eventNameDoesNotCarryOverToTheNextEvent() {
        assertThat(decode("event: ping\ndata: 1\n\ndata: 2\n\n"))
                .containsExactly(SseEvent.of("ping", "1"), message("2"));
    }

    @Test
    void eventWithOnlyMetadataDispatchesNothing() {
        assertThat(decode("event: ping\nid: 7\nretry: 1000\n\ndata: x\n\n")).containsExactly(message("x"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertThat(decode("foo: bar\ndata: x\nid: 1\n\n")).containsExactly(message("x"));
    }

    @Test
    void errorFieldBecomesAnEventNamedError() {
        // llama.cpp writes stream errors as an error: field (docs/dialects.md §1.16, rule 3).
        String json = "{\"code\":500,\"message\":\"the request exceeds the available context size\"}";

        assertThat(decode("error: " + json + "\n\n")).containsExactly(SseEvent.of("error", json));
    }

    // Byte-level quirks

    @Test
    void leadingByteOrderMarkIsSkipped() {
        assertThat(decode("\uFEFFdata: a\n\n")).containsExactly(message("a"));
    }

    @Test
    void byteOrderMarkSplitAcrossFeedsIsSkipped() {
        byte[] bytes = "\uFEFFdata: a\n\n".getBytes(StandardCharsets.UTF_8);

        assertThat(decodeInPieces(bytes, 1)).containsExactly(message("a"));
    }

    @Test
    void byteOrderMarkBeforeACommentIsSkipped() {
        assertThat(decode("\uFEFF: hello\n\ndata: a\n\n")).containsExactly(message("a"));
    }

    @Test
    void byteOrderMarkAfterTheStartIsData() {
        assertThat(decode("data: a\n\ndata: \uFEFFb\n\n")).containsExactly(message("a"), message("\uFEFFb"));
    }

    @Test
    void multiByteCharactersSplitAcrossFeeds() {
        byte[] bytes = "data: é€😀中文\n\n".getBytes(StandardCharsets.UTF_8);

        assertThat(decodeInPieces(bytes, 1)).containsExactly(message("é€😀中文"));
    }

    @Test
    void textFeedsSplittingASurrogatePairKeepTheCharacter() {
        // A caller reading chars may cut between the two halves of 😀 (U+1F600).
        String text = "data: a😀b\n\n";
        int cut = text.indexOf("😀") + 1;
        SseDecoder decoder = SseDecoder.create();

        List<SseEvent> events = new ArrayList<>(decoder.feed(text.substring(0, cut)));
        events.addAll(decoder.feed(text.substring(cut)));

        assertThat(events).containsExactly(message("a😀b"));
    }

    @Test
    void loneHighSurrogateAtTheEndIsEncodedAsGetBytesWould() {
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed("data: a\uD83D")).isEmpty();
        assertThat(decoder.finish())
                .containsExactly(
                        message(new String("a\uD83D".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
    }

    @Test
    void feedWithOffsetAndLengthReadsOnlyThatRange() {
        byte[] bytes = "XXdata: a\n\nYY".getBytes(StandardCharsets.UTF_8);

        assertThat(SseDecoder.create().feed(bytes, 2, bytes.length - 4)).containsExactly(message("a"));
    }

    // End of stream

    @Test
    void unterminatedLastEventIsDispatchedByFinish() {
        // An upstream that ends with "data: [DONE]" and no line break (synthetic.new does this:
        // https://github.com/MetaFARS/codex-relay/issues/31).
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed("data: [DONE]")).isEmpty();
        assertThat(decoder.finish()).containsExactly(message("[DONE]"));
    }

    @Test
    void lastEventWithoutBlankLineIsDispatchedByFinish() {
        SseDecoder decoder = SseDecoder.create();

        assertThat(decoder.feed("data: a\n")).isEmpty();
        assertThat(decoder.finish()).containsExactly(message("a"));
    }

    @Test
    void finishAfterACleanEndDispatchesNothing() {
        SseDecoder decoder = SseDecoder.create();
        decoder.feed("data: a\n\n: trailing comment");

        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void finishTwiceReturnsNothingTheSecondTime() {
        SseDecoder decoder = SseDecoder.create();
        decoder.feed("data: a");
        decoder.finish();

        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void feedAfterFinishThrows() {
        SseDecoder decoder = SseDecoder.create();
        decoder.finish();

        assertThatThrownBy(() -> decoder.feed("data: a\n\n"))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(SseDecoder.EventTooLargeException.class);
    }

    // Size limit

    @Test
    void eventAtTheSizeLimitIsAccepted() {
        String data = "x".repeat(64);

        // The line is 69 bytes, its data 64.
        assertThat(SseDecoder.create(69).feed("data:" + data + "\n\n")).containsExactly(message(data));
    }

    @Test
    void lineOverTheSizeLimitThrows() {
        SseDecoder decoder = SseDecoder.create(16);

        assertThatThrownBy(() -> decoder.feed("event: " + "x".repeat(30) + "\n"))
                .isInstanceOf(SseDecoder.EventTooLargeException.class)
                .hasMessageContaining("16");
    }

    @Test
    void eventOverTheSizeLimitAcrossLinesThrows() {
        SseDecoder decoder = SseDecoder.create(64);

        assertThatThrownBy(() -> decoder.feed("data: " + "x".repeat(40) + "\ndata: " + "y".repeat(40) + "\n"))
                .isInstanceOf(SseDecoder.EventTooLargeException.class);
    }

    @Test
    void sizeLimitCountsBytesNotChars() {
        // Each line is 46 bytes, under the limit; the event's data is 81 bytes but only 41 chars.
        SseDecoder decoder = SseDecoder.create(64);
        String twentyTwoByteChars = "é".repeat(20);

        assertThatThrownBy(() -> decoder.feed("data: " + twentyTwoByteChars + "\ndata: " + twentyTwoByteChars + "\n"))
                .isInstanceOf(SseDecoder.EventTooLargeException.class);
    }

    @Test
    void nonPositiveLimitIsRejected() {
        assertThatThrownBy(() -> SseDecoder.create(0)).isInstanceOf(IllegalArgumentException.class);
    }

    // Real samples and re-chunking

    @Test
    void kimiSampleDecodesToItsSixEvents() throws IOException {
        List<SseEvent> events = decodeInPieces(read(KIMI), Integer.MAX_VALUE);

        assertThat(events).hasSize(6);
        assertThat(events).allSatisfy(event -> assertThat(event.event()).isEqualTo("message"));
        assertThat(events.get(0).data()).startsWith("{\"id\":\"chatcmpl-z5R135P3K7dLAfR674T7Aqox\"");
        assertThat(events.get(5).data()).isEqualTo("[DONE]");
    }

    @Test
    void openRouterSampleSkipsItsProcessingComments() throws IOException {
        List<SseEvent> events = decodeInPieces(read(OPENROUTER), Integer.MAX_VALUE);

        assertThat(events).isNotEmpty().noneMatch(event -> event.data().contains("OPENROUTER PROCESSING"));
        assertThat(events.get(0).data()).startsWith("{\"id\":\"gen-1739458867-kUKFjpDGCEBBvK6V46PX\"");
    }

    @Test
    void everySingleSplitPointGivesIdenticalEvents() throws IOException {
        byte[] bytes = read(OPENROUTER);
        List<SseEvent> whole = decodeInPieces(bytes, Integer.MAX_VALUE);

        for (int split = 0; split <= bytes.length; split++) {
            SseDecoder decoder = SseDecoder.create();
            List<SseEvent> events = new ArrayList<>(decoder.feed(bytes, 0, split));
            events.addAll(decoder.feed(bytes, split, bytes.length - split));
            events.addAll(decoder.finish());

            assertThat(events).as("split at %d", split).isEqualTo(whole);
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anyRandomRechunkingGivesIdenticalEvents(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        for (String file : List.of(KIMI, OPENROUTER)) {
            for (String lineEnding : List.of("\n", "\r\n", "\r")) {
                byte[] bytes = withLineEnding(read(file), lineEnding);
                List<SseEvent> whole = decodeInPieces(bytes, Integer.MAX_VALUE);

                List<SseEvent> rechunked = decodeRandomly(bytes, random);

                assertThat(whole).as("%s with %s", file, escape(lineEnding)).isNotEmpty();
                assertThat(rechunked)
                        .as("seed %d, %s with %s", seed, file, escape(lineEnding))
                        .isEqualTo(whole);
            }
        }
    }

    @Test
    void lineEndingDoesNotChangeTheEvents() throws IOException {
        byte[] lf = withLineEnding(read(KIMI), "\n");
        List<SseEvent> expected = decodeInPieces(lf, Integer.MAX_VALUE);

        assertThat(decodeInPieces(withLineEnding(lf, "\r\n"), Integer.MAX_VALUE))
                .isEqualTo(expected);
        assertThat(decodeInPieces(withLineEnding(lf, "\r"), Integer.MAX_VALUE)).isEqualTo(expected);
    }

    private static List<SseEvent> decodeRandomly(byte[] bytes, SplittableRandom random) {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            // Mostly tiny pieces, which cut CRLFs and UTF-8 sequences, sometimes big ones.
            int length = Math.min(
                    bytes.length - offset, random.nextInt(10) == 0 ? random.nextInt(1, 400) : random.nextInt(0, 8));
            events.addAll(decoder.feed(bytes, offset, length));
            offset += length;
        }
        events.addAll(decoder.finish());
        return events;
    }

    private static List<SseEvent> decode(String text) {
        return decodeInPieces(text.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
    }

    private static List<SseEvent> decodeInPieces(byte[] bytes, int pieceSize) {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += pieceSize) {
            events.addAll(decoder.feed(bytes, offset, Math.min(pieceSize, bytes.length - offset)));
        }
        events.addAll(decoder.finish());
        return events;
    }

    /** The same stream with every line ending (LF, CRLF or CR) replaced by {@code lineEnding}. */
    private static byte[] withLineEnding(byte[] bytes, String lineEnding) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.replace("\r\n", "\n")
                .replace('\r', '\n')
                .replace("\n", lineEnding)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A provider sample, {@code dialects/<file>} in relay-fixtures' {@link Samples}. */
    private static byte[] read(String file) {
        return Samples.bytes("dialects/" + file);
    }

    private static String escape(String lineEnding) {
        return lineEnding.replace("\r", "CR").replace("\n", "LF");
    }

    private static SseEvent message(String data) {
        return SseEvent.of("message", data);
    }
}
