package dev.responsesrelay.reverse;

import dev.responsesrelay.ChatCompletionsTranslator;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.fixtures.Samples;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Deterministic translators and the copied Codex captures. */
final class Fixtures {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_780_000_000L), ZoneOffset.UTC);

    /** A streaming request with usage, synthetic, shaped after the Chat Completions request reference. */
    static final String STREAMING_REQUEST =
            "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private Fixtures() {}

    static ChatCompletionsTranslator translator() {
        return ChatCompletionsTranslator.builder()
                .idGenerator(IdGenerator.sequential())
                .clock(CLOCK)
                .build();
    }

    static ChatTranslation streaming() {
        return translator().translate(STREAMING_REQUEST);
    }

    /** Sample {@code codex-0.169.0/sse/<name>} (relay-fixtures): a Responses stream Codex 0.169 accepted. */
    static String codexSse(String name) {
        return Samples.text("codex-0.169.0/sse/" + name);
    }
}
