package dev.responsesrelay.bench;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Whole streams: {@link #wholeAnswer} translates a complete answer from {@code response.created} to
 * {@code response.completed} (the item lifecycle events, the closing {@code *.done} events and the
 * terminal response object included), and {@link #openStream} measures what the per-chunk
 * benchmark amortises, a new stream up to {@code response.in_progress}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class AnswerTranslationBenchmark {
    /** Reasoning deltas in {@link #answer()}. */
    static final int REASONING_CHUNKS = 40;

    /** Text deltas in {@link #answer()}. */
    static final int TEXT_CHUNKS = 120;

    private final Translation translation = ResponsesTranslator.builder()
            .provider(ProviderProfile.GENERIC)
            .idGenerator(IdGenerator.random())
            .clock(Clock.systemUTC())
            .build()
            .translate(BenchRequests.smallRequest());

    private final List<String> answer = answer();

    /** A new stream, up to {@code response.in_progress}. */
    @Benchmark
    public List<SseEvent> openStream() {
        return translation.newStream().start();
    }

    /** Every chunk of {@link #answer()} through one stream, then the end of the upstream. */
    @Benchmark
    public void wholeAnswer(Blackhole events) {
        ResponsesStream stream = translation.newStream();
        events.consume(stream.start());
        for (String data : answer) {
            events.consume(stream.onData(data));
        }
        events.consume(stream.onEnd());
    }

    /**
     * A typical agent turn as a reasoning model streams it: reasoning, text, one tool call whose
     * arguments arrive in fragments, the finish reason, the usage chunk and {@code [DONE]}, in that
     * order. Synthetic, built from the {@link ChunkKind} chunks (OpenAI and Kimi shapes, docs/dialects.md
     * §1), with a finish chunk shaped after openai-stream-basic-gomodel.sse.
     */
    static List<String> answer() {
        List<String> chunks = new ArrayList<>(ChunkKind.REASONING.priming());
        for (int i = 0; i < REASONING_CHUNKS; i++) {
            chunks.add(ChunkKind.REASONING.chunk());
        }
        for (int i = 0; i < TEXT_CHUNKS; i++) {
            chunks.add(ChunkKind.TEXT.chunk());
        }
        chunks.addAll(ChunkKind.TOOL_ARGUMENTS.priming());
        for (String fragment : List.of("{", "\\\"cmd", "\\\":", " \\\"ls", " -la", "\\\"}")) {
            chunks.add(ChunkKind.TOOL_ARGUMENTS.chunk().replace("\\\"cmd\\\":", fragment));
        }
        chunks.add("{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"obfuscation\":\"pH\"}");
        chunks.add(ChunkKind.USAGE.chunk());
        chunks.add("[DONE]");
        return List.copyOf(chunks);
    }
}
