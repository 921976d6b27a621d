package dev.responsesrelay.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.time.Clock;
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

/**
 * The cost of {@link ResponsesTranslator#translate(byte[])} on a real 46 KB Codex CLI 0.169.0
 * request ({@link BenchRequests#CODEX_RESOURCE}): parse, validate, map to the Chat Completions body
 * and write it. {@link #treeRoundTrip} is the floor of any tree-based mapper for the same bytes:
 * parse them into a Jackson tree and write the tree back.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class RequestTranslationBenchmark {
    private final byte[] codexRequest = BenchRequests.codexRequest();
    private final ResponsesTranslator translator = ResponsesTranslator.builder()
            .provider(ProviderProfile.GENERIC)
            .idGenerator(IdGenerator.random())
            .clock(Clock.systemUTC())
            .build();

    /** The translator on the Codex request. */
    @Benchmark
    public Translation translate() {
        return translator.translate(codexRequest);
    }

    /** Reference: a Jackson tree parse of the same bytes and a write of that tree. */
    @Benchmark
    public String treeRoundTrip() throws IOException {
        JsonNode tree = Json.MAPPER.readTree(codexRequest);
        try {
            return Json.MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IOException(e);
        }
    }
}
