package dev.responsesrelay.reverse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import org.junit.jupiter.api.Test;

/** {@link SseEncoder#encodeData}: the data-only events Chat Completions streams are made of. */
class SseDataEncodingTest {
    @Test
    void doneSentinelIsOneDataLine() {
        assertThat(SseEncoder.encodeData("[DONE]")).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void chunkHasNoEventLine() {
        assertThat(SseEncoder.encodeData("{\"a\":1}")).isEqualTo("data: {\"a\":1}\n\n");
    }

    @Test
    void multiLineDataRoundTripsThroughTheDecoder() {
        String data = "one\ntwo\r\nthree\rfour";

        String wire = SseEncoder.encodeData(data);

        assertThat(wire).isEqualTo("data: one\ndata: two\ndata: three\ndata: four\n\n");
        assertThat(SseDecoder.create().feed(wire)).containsExactly(SseEvent.of("message", "one\ntwo\nthree\nfour"));
    }
}
