package dev.responsesrelay.examples.codexmodel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.SseEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker must reject broken streams, or every test relying on it proves nothing. */
class ResponsesStreamInvariantsTest {
    @Test
    void writerStreamPasses() {
        assertThatCode(() -> ResponsesStreamInvariants.assertValid(validStream()))
                .doesNotThrowAnyException();
    }

    @Test
    void sequenceGapIsCaught() {
        List<SseEvent> events = validStream();
        events.remove(3);

        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events))
                .hasMessage("event 3: sequence_number should be 3 but is 4");
    }

    @Test
    void missingTerminalEventIsCaught() {
        List<SseEvent> events = validStream();
        events.remove(events.size() - 1);

        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events))
                .hasMessageContaining("stream has no terminal event");
    }

    @Test
    void itemLeftOpenAtTheEndIsCaught() {
        List<SseEvent> events = validStream();
        // drop the message item's output_item.done and renumber would be needed; instead cut it
        // together with everything after and append a failed terminal with a matching sequence
        List<SseEvent> truncated = new ArrayList<>(events.subList(0, 10));
        truncated.add(
                SseEvent.of(
                        "response.failed",
                        "{\"type\":\"response.failed\",\"sequence_number\":10,\"response\":{\"id\":\"resp_1\",\"output\":[]}}"));

        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(truncated))
                .hasMessage("event 10: terminal event while item msg_2 is open");
    }

    @Test
    void outputThatDiffersFromTheDoneItemsIsCaught() {
        List<SseEvent> events = validStream();
        SseEvent last = events.remove(events.size() - 1);
        events.add(SseEvent.of(last.event(), last.data().replace("\"text\":\"Hello\"", "\"text\":\"Bye\"")));

        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events))
                .hasMessageStartingWith("event " + (events.size() - 1) + ": output[]");
    }

    @Test
    void eventNameDifferentFromTypeIsCaught() {
        List<SseEvent> events = validStream();
        events.set(1, SseEvent.of("message", events.get(1).data()));

        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events))
                .hasMessage("event 1: event name message differs from type response.in_progress");
    }

    /** created, in_progress, reasoning item (6 events), message item (6 events), completed. */
    private static List<SseEvent> validStream() {
        ResponseEventWriter writer = new ResponseEventWriter("resp_1", "codex-local", 0);
        IdGenerator ids = IdGenerator.sequential();
        writer.start();
        writer.reasoning(ids.newId("rs_"), "Thinking");
        writer.message(ids.newId("msg_"), "Hello");
        writer.completed(CodexEventMapper.usage(CodexJson.MAPPER.createObjectNode()));
        return new ArrayList<>(writer.drain());
    }
}
