package dev.responsesrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder benchmark decodes the real stream it says it does, into the events it counts. */
class SseDecoderBenchmarkTest {
    @Test
    void benchmarkStreamIsTheXaiCaptureByteForByte() {
        // The checksum recorded when the capture was copied into relay-fixtures (fixtures/VERSIONS.md).
        String recorded = Samples.recordedSha256("dialects/xai-stream-basic-gomodel.sse");

        assertThat(Sha256.hex(SseDecoderBenchmark.recordedStream())).isEqualTo(recorded);
    }

    @Test
    void streamDecodesToTheCountedChunksEndingInDone() {
        byte[] stream = SseDecoderBenchmark.recordedStream();
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>();
        for (int offset = 0; offset < stream.length; offset += SseDecoderBenchmark.READ_BYTES) {
            events.addAll(
                    decoder.feed(stream, offset, Math.min(SseDecoderBenchmark.READ_BYTES, stream.length - offset)));
        }
        events.addAll(decoder.finish());

        assertThat(stream.length).isGreaterThan(SseDecoderBenchmark.READ_BYTES * 4);
        assertThat(events).hasSize(SseDecoderBenchmark.EVENTS);
        assertThat(events).allSatisfy(e -> assertThat(e.event()).isEqualTo("message"));
        assertThat(events.subList(0, events.size() - 1))
                .allSatisfy(e -> assertThat(e.data()).startsWith("{\"id\":").endsWith("}"));
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }
}
