package dev.responsesrelay.bench;

import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of {@link SseDecoder} alone, per decoded event: the bytes of a real upstream stream fed
 * in {@value #READ_BYTES}-byte reads, as an HTTP client hands them over. JMH counts one operation
 * per event ({@link OperationsPerInvocation}), so the score is events per second and {@code -prof
 * gc}'s {@code gc.alloc.rate.norm} is bytes per event.
 *
 * <p>The stream is {@value #STREAM_RESOURCE}, a byte-for-byte copy of
 * fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects/xai-stream-basic-gomodel.sse: xAI's OpenAI-compatible Chat
 * Completions stream of grok-3-mini (recorded by GoModel), 66 KB in {@value #EVENTS} {@code data:}
 * events of 206 to 239 bytes of JSON, the last one {@code [DONE]}. It is the longest real OpenAI-shaped
 * stream in the shared data; {@code openai-stream-basic-gomodel.sse} has only 7 events.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class SseDecoderBenchmark {
    /** The recorded stream, on the classpath next to this class. */
    public static final String STREAM_RESOURCE = "xai-stream-basic-gomodel.sse";

    /** The events {@link #STREAM_RESOURCE} decodes to; a test checks the count. */
    public static final int EVENTS = 294;

    /** The size of one read, a typical HTTP client buffer (OkHttp's segments are 8 KiB). */
    public static final int READ_BYTES = 8192;

    private final byte[] stream = recordedStream();

    /** Decodes the whole stream with a fresh decoder; each decoded event goes to the blackhole. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void decode(Blackhole sink) {
        SseDecoder decoder = SseDecoder.create();
        for (int offset = 0; offset < stream.length; offset += READ_BYTES) {
            consume(decoder.feed(stream, offset, Math.min(READ_BYTES, stream.length - offset)), sink);
        }
        consume(decoder.finish(), sink);
    }

    private static void consume(List<SseEvent> events, Blackhole sink) {
        for (int i = 0; i < events.size(); i++) {
            sink.consume(events.get(i));
        }
    }

    /** The bytes of {@link #STREAM_RESOURCE}. */
    static byte[] recordedStream() {
        try (InputStream in = SseDecoderBenchmark.class.getResourceAsStream(STREAM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + STREAM_RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
