package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.JsonTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamMachine#abort}: when a call threw instead of returning (issue 18: an {@link
 * OutOfMemoryError} while the terminal events of a long answer were written), the client still
 * gets one small {@code response.failed}, numbered on from the last event it received. Streams are
 * synthetic, shaped after docs/dialects.md §0 ({@link Chunks}).
 */
class StreamMachineAbortTest {
    private static final RelayError OUT_OF_MEMORY =
            RelayError.of(503, "server_error", "server_overloaded", "out of memory", null, Duration.ofSeconds(1));

    @Test
    void abortAfterDeltasIsOneFailedEventNumberedOn() {
        StreamMachine machine = new StreamMachine(TestContexts.plain());
        List<SseEvent> sent = new ArrayList<>(machine.start());
        sent.addAll(machine.onData(Chunks.text("Hello")));
        sent.addAll(machine.onData(Chunks.text(" world")));

        List<SseEvent> failed = machine.abort(OUT_OF_MEMORY);

        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).event()).isEqualTo(EventTypes.FAILED);
        JsonNode event = JsonTestSupport.tree(failed.get(0).data());
        assertThat(event.path("sequence_number").asInt()).isEqualTo(sent.size());
        assertThat(event.path("response").path("status").asText()).isEqualTo("failed");
        assertThat(event.path("response").path("error").path("code").asText()).isEqualTo("server_overloaded");
        assertThat(event.path("response").path("output")).isEmpty();
        assertThat(machine.isTerminal()).isTrue();
        assertThat(machine.error()).contains(OUT_OF_MEMORY);
        assertThat(machine.responseJson()).get().asString().contains("\"status\":\"failed\"");
        // Terminal now: nothing more, not even a second abort.
        assertThat(machine.onData(Chunks.text("more"))).isEmpty();
        assertThat(machine.abort(OUT_OF_MEMORY)).isEmpty();
    }

    @Test
    void abortAfterTheTerminalEventWasReturnedIsEmpty() {
        StreamMachine machine = new StreamMachine(TestContexts.plain());
        machine.start();
        machine.onData(Chunks.text("Hello"));
        machine.onData(Chunks.finish("stop"));
        assertThat(machine.onData("[DONE]")).extracting(SseEvent::event).endsWith(EventTypes.COMPLETED);

        assertThat(machine.abort(OUT_OF_MEMORY)).isEmpty();
        assertThat(machine.responseJson()).get().asString().contains("\"status\":\"completed\"");
    }

    @Test
    void aThrowWhileTheTerminalResponseIsWrittenIsAbortedWithoutAGap() {
        // The request echo throws the second time it is written: once for the response that
        // response.created and response.in_progress share, then in the terminal response, after the
        // *.done events of the answer were made and before they were returned.
        StreamMachine machine = new StreamMachine(
                TestContexts.builder().echo(new EchoThatThrows(2)).build());
        List<SseEvent> sent = new ArrayList<>(machine.start());
        sent.addAll(machine.onData(Chunks.text("Hello")));
        sent.addAll(machine.onData(Chunks.finish("stop")));
        assertThatThrownBy(() -> machine.onData("[DONE]")).isInstanceOf(OutOfMemoryError.class);
        // The phase already says terminal, but the terminal event never went out.
        assertThat(machine.isTerminal()).isTrue();

        List<SseEvent> failed = machine.abort(OUT_OF_MEMORY);

        assertThat(failed).extracting(SseEvent::event).containsExactly(EventTypes.FAILED);
        JsonNode event = JsonTestSupport.tree(failed.get(0).data());
        assertThat(event.path("sequence_number").asInt()).isEqualTo(sent.size());
        assertThat(event.path("response").path("output")).isEmpty();
        assertThat(machine.abort(OUT_OF_MEMORY)).isEmpty();
    }

    /** An empty request echo whose fields, asked for the {@code n}-th time, run out of memory. */
    @SuppressWarnings("unchecked") // javac's warning on ObjectNode's own deepCopy() override, inherited
    private static final class EchoThatThrows extends ObjectNode {
        private static final long serialVersionUID = 1L;
        private final int throwOn;
        private int asked;

        EchoThatThrows(int throwOn) {
            super(JsonNodeFactory.instance);
            this.throwOn = throwOn;
        }

        @Override
        public Set<Map.Entry<String, JsonNode>> properties() {
            if (++asked == throwOn) {
                throw new OutOfMemoryError("synthetic");
            }
            return super.properties();
        }
    }
}
