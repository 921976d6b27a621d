package dev.responsesrelay.bench;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of translating one upstream chunk, for each {@link ChunkKind}: {@link #relay} feeds the
 * chunk, as decoded by {@link SseDecoder}, to a {@link ResponsesStream} in its steady state, {@link #baseline} gives the same chunk to
 * the {@link NaiveTranslator} (a Jackson tree parse plus one event written from a tree). Run with
 * {@code -prof gc} (the default of {@link BenchmarksMain}) for bytes allocated per chunk.
 *
 * <p>A stream is stateful and single use, and a real one lives for a few thousand chunks: each
 * benchmark thread keeps one open stream, primed with {@link ChunkKind#priming()} so the measured
 * chunk continues an open item, and replaces it after {@link #CHUNKS_PER_STREAM} chunks. The
 * replacement (new stream, {@code response.created}, {@code response.in_progress}, the priming
 * chunks) happens inside the measured call once per {@value #CHUNKS_PER_STREAM} chunks, so its
 * cost, amortised, is charged to the translator; {@link AnswerTranslationBenchmark#openStream}
 * measures it alone. The alternative, one stream for a whole iteration, would grow its text
 * buffers to megabytes no real answer reaches.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class ChunkTranslationBenchmark {
    /** Chunks fed to one stream before it is replaced by a fresh one. */
    public static final int CHUNKS_PER_STREAM = 2048;

    /** The kind of chunk measured. */
    @Param
    public ChunkKind kind = ChunkKind.TEXT;

    private final StreamFeed feed = new StreamFeed();
    private NaiveTranslator naive = new NaiveTranslator("msg_0");
    private String chunk = "";

    /** Translates the bench request once, and opens the first stream. */
    @Setup
    public void setUp() {
        chunk = kind.chunk();
        feed.open(kind);
        naive = new NaiveTranslator("msg_0123456789abcdef01234567");
    }

    /** The translator: one decoded chunk through {@link ResponsesStream#onEvent}. */
    @Benchmark
    public List<SseEvent> relay() {
        return feed.next(chunk);
    }

    /** The naive baseline: a tree parse and one event written from a tree. */
    @Benchmark
    public SseEvent baseline() {
        return naive.translate(kind, chunk);
    }

    /** One thread's open stream, replaced every {@link #CHUNKS_PER_STREAM} chunks. */
    static final class StreamFeed {
        private final Translation translation = ResponsesTranslator.builder()
                .provider(ProviderProfile.GENERIC)
                .idGenerator(IdGenerator.random())
                .clock(Clock.systemUTC())
                .build()
                .translate(BenchRequests.smallRequest());

        private ChunkKind kind = ChunkKind.TEXT;
        private ResponsesStream stream = translation.newStream();
        private int left;
        private @Nullable String decodedChunk;
        private SseEvent decoded = SseEvent.of("message", "");

        void open(ChunkKind kind) {
            this.kind = kind;
            renew();
        }

        /**
         * Feeds {@code chunk} as a relay server gets it: as the event {@link SseDecoder} decoded from
         * the upstream's bytes, handed to {@link ResponsesStream#onEvent}, as {@code OkHttpRelay}
         * does. The event is decoded once per distinct chunk; {@link SseDecoderBenchmark} measures
         * the decoding.
         */
        List<SseEvent> next(String chunk) {
            if (left-- == 0) {
                renew();
                left--;
            }
            if (!chunk.equals(decodedChunk)) { // the same String each time: an identity check
                decoded = decode(chunk);
                decodedChunk = chunk;
            }
            return stream.onEvent(decoded);
        }

        private static SseEvent decode(String chunk) {
            List<SseEvent> events =
                    SseDecoder.create().feed(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
            if (events.size() != 1) {
                throw new IllegalArgumentException("not one SSE event: " + chunk);
            }
            return events.get(0);
        }

        /** The stream in use, for tests. */
        ResponsesStream stream() {
            return stream;
        }

        private void renew() {
            stream = translation.newStream();
            stream.start();
            for (String priming : kind.priming()) {
                stream.onData(priming);
            }
            left = CHUNKS_PER_STREAM;
        }
    }
}
