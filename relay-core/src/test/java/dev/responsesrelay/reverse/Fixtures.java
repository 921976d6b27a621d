package dev.responsesrelay.reverse;

import dev.responsesrelay.ChatCompletionsTranslator;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.IdGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;

/** Deterministic translators and the shared reference data. */
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

    /** {@code <shared>/data/codex-0.169.0/sse/<name>}: Responses streams Codex 0.169 accepted. */
    static Path codexSse(String name) {
        String shared = Objects.requireNonNull(
                System.getProperty("relay.shared.dir"), "the relay.shared.dir system property (surefire sets it)");
        return Path.of(shared, "data", "codex-0.169.0", "sse", name);
    }
}
