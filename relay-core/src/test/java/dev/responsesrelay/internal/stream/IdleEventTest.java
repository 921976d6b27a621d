package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamMachine#onIdle()} (issue 13 §3): while the upstream is silent the server asks the
 * stream for an event Codex counts as activity, a repeated {@code response.in_progress}; the stream
 * numbers it like any other event. Synthetic chunks shaped after docs/dialects.md §0 (OpenAI).
 */
class IdleEventTest {
    private final StreamMachine machine = new StreamMachine(TestContexts.plain());
    private final List<SseEvent> events = new ArrayList<>();

    @Test
    void beforeStartThereIsNothingToRepeat() {
        assertThat(machine.onIdle()).isEmpty();
        assertThat(machine.hasStarted()).isFalse();
    }

    @Test
    void aSilentUpstreamGetsRepeatedInProgressEventsNumberedInTurn() {
        events.addAll(machine.start());
        List<SseEvent> whileReadingThePrompt = machine.onIdle();
        events.addAll(whileReadingThePrompt);
        events.addAll(machine.onData(Chunks.role()));
        events.addAll(machine.onData(Chunks.text("Hel")));
        List<SseEvent> midAnswer = machine.onIdle();
        events.addAll(midAnswer);
        events.addAll(machine.onData(Chunks.text("lo")));
        events.addAll(machine.onData(Chunks.finish("stop")));
        events.addAll(machine.onData("[DONE]"));

        assertThat(whileReadingThePrompt).extracting(SseEvent::event).containsExactly(EventTypes.IN_PROGRESS);
        assertThat(midAnswer).extracting(SseEvent::event).containsExactly(EventTypes.IN_PROGRESS);
        List<Integer> sequence = new ArrayList<>();
        for (SseEvent event : events) {
            sequence.add(json(event).path("sequence_number").asInt());
        }
        assertThat(sequence).as("0, 1, 2, … with no gap or repeat").isEqualTo(range(events.size()));
        JsonNode first = json(events.get(1)).path("response");
        JsonNode repeat = json(midAnswer.get(0)).path("response");
        assertThat(repeat.path("id").asText()).isEqualTo(first.path("id").asText());
        assertThat(repeat.path("status").asText()).isEqualTo("in_progress");
        assertThat(repeat.path("output"))
                .as("the in-progress response, as first shown")
                .isEmpty();
        assertThat(events.get(events.size() - 1).event()).isEqualTo(EventTypes.COMPLETED);
        assertThat(json(events.get(events.size() - 1))
                        .at("/response/output/0/content/0/text")
                        .asText())
                .isEqualTo("Hello");
    }

    @Test
    void onceTerminalNothingMoreIsSent() {
        machine.start();
        machine.onData(Chunks.text("Hi"));
        machine.onData(Chunks.finish("stop"));
        machine.onData("[DONE]");

        assertThat(machine.isTerminal()).isTrue();
        assertThat(machine.onIdle()).isEmpty();
    }

    private static JsonNode json(SseEvent event) {
        try {
            return Json.MAPPER.readTree(event.data());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Integer> range(int size) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            numbers.add(i);
        }
        return numbers;
    }
}
