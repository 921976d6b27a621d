package dev.responsesrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-chunk benchmark measures what it claims: each kind's chunk is translated in the steady
 * state (one delta event continuing an open item, or nothing for usage), and the baseline writes
 * the same event for the same chunk.
 */
class ChunkTranslationBenchmarkTest {
    private static final Map<ChunkKind, String> EVENT_TYPES = Map.of(
            ChunkKind.TEXT, "response.output_text.delta",
            ChunkKind.REASONING, "response.reasoning_summary_text.delta",
            ChunkKind.TOOL_ARGUMENTS, "response.function_call_arguments.delta");

    private static final Map<ChunkKind, String> DELTAS = Map.of(
            ChunkKind.TEXT, " World",
            ChunkKind.REASONING, " need",
            ChunkKind.TOOL_ARGUMENTS, "\"cmd\":");

    @ParameterizedTest
    @EnumSource(
            value = ChunkKind.class,
            names = {"TEXT", "REASONING", "TOOL_ARGUMENTS"})
    void steadyChunkContinuesTheOpenItemWithOneDeltaEvent(ChunkKind kind) throws IOException {
        ChunkTranslationBenchmark.StreamFeed feed = new ChunkTranslationBenchmark.StreamFeed();
        feed.open(kind);

        List<SseEvent> first = feed.next(kind.chunk());
        List<SseEvent> second = feed.next(kind.chunk());

        for (List<SseEvent> events : List.of(first, second)) {
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.event()).isEqualTo(EVENT_TYPES.get(kind));
                assertThat(Json.MAPPER.readTree(event.data()).path("delta").textValue())
                        .isEqualTo(DELTAS.get(kind));
            });
        }
        assertThat(Json.MAPPER
                        .readTree(second.get(0).data())
                        .path("sequence_number")
                        .asInt())
                .isEqualTo(Json.MAPPER
                                .readTree(first.get(0).data())
                                .path("sequence_number")
                                .asInt()
                        + 1);
    }

    @Test
    void usageChunkMakesNoEventButReachesTheTerminalResponse() throws IOException {
        ChunkTranslationBenchmark.StreamFeed feed = new ChunkTranslationBenchmark.StreamFeed();
        feed.open(ChunkKind.USAGE);

        assertThat(feed.next(ChunkKind.USAGE.chunk())).isEmpty();
        List<SseEvent> end = feed.stream().onData("[DONE]");

        assertThat(end).last().extracting(SseEvent::event).isEqualTo("response.completed");
        JsonNode response = Json.MAPPER.readTree(end.get(end.size() - 1).data()).path("response");
        assertThat(response.path("usage").path("input_tokens").asLong()).isEqualTo(1117);
        assertThat(response.path("usage").path("output_tokens").asLong()).isEqualTo(46);
        assertThat(response.path("usage")
                        .path("input_tokens_details")
                        .path("cached_tokens")
                        .asLong())
                .isEqualTo(1024);
    }

    @Test
    void streamIsReplacedAfterItsShareOfChunks() {
        ChunkTranslationBenchmark.StreamFeed feed = new ChunkTranslationBenchmark.StreamFeed();
        feed.open(ChunkKind.TEXT);
        ResponsesStream first = feed.stream();

        for (int i = 0; i < ChunkTranslationBenchmark.CHUNKS_PER_STREAM; i++) {
            assertThat(feed.next(ChunkKind.TEXT.chunk())).hasSize(1);
        }
        assertThat(feed.stream()).isSameAs(first);
        assertThat(first.isTerminal()).isFalse();

        assertThat(feed.next(ChunkKind.TEXT.chunk())).hasSize(1);
        assertThat(feed.stream()).isNotSameAs(first);
    }

    @ParameterizedTest
    @EnumSource(
            value = ChunkKind.class,
            names = {"TEXT", "REASONING", "TOOL_ARGUMENTS"})
    void baselineWritesTheSameEventWithTheSameFields(ChunkKind kind) throws IOException {
        ChunkTranslationBenchmark.StreamFeed feed = new ChunkTranslationBenchmark.StreamFeed();
        feed.open(kind);
        SseEvent relay = feed.next(kind.chunk()).get(0);

        SseEvent baseline = new NaiveTranslator("msg_1").translate(kind, kind.chunk());

        assertThat(baseline.event()).isEqualTo(relay.event());
        JsonNode relayJson = Json.MAPPER.readTree(relay.data());
        JsonNode baselineJson = Json.MAPPER.readTree(baseline.data());
        assertThat(fieldNames(baselineJson)).isEqualTo(fieldNames(relayJson));
        assertThat(baselineJson.path("delta")).isEqualTo(relayJson.path("delta"));
    }

    @Test
    void baselineWritesTheUsageTheTranslatorReports() throws IOException {
        SseEvent baseline = new NaiveTranslator("msg_1").translate(ChunkKind.USAGE, ChunkKind.USAGE.chunk());

        JsonNode usage = Json.MAPPER.readTree(baseline.data());
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(1117);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(46);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(1163);
        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong())
                .isEqualTo(1024);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
