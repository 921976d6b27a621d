package dev.responsesrelay.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The checker every test stream goes through must itself catch broken streams; each test breaks a
 * valid translated stream in one way.
 */
class StreamMachineInvariantsTest {
    private static List<SseEvent> validStream() {
        return StreamRun.translate(
                        TestContexts.builder().function("f").build(),
                        Chunks.text("Hi"),
                        Chunks.toolCall(0, "c1", "f", "{}"),
                        Chunks.finish("tool_calls"),
                        Chunks.usage(5, 2),
                        "[DONE]")
                .events();
    }

    /** The valid stream with the data of event {@code index} rewritten. */
    private static List<SseEvent> withEvent(int index, UnaryOperator<String> rewrite) {
        List<SseEvent> events = new ArrayList<>(validStream());
        SseEvent event = events.get(index);
        events.set(index, SseEvent.of(event.event(), rewrite.apply(event.data())));
        return events;
    }

    private static int indexOf(List<SseEvent> events, String type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).event().equals(type)) {
                return i;
            }
        }
        throw new AssertionError(type);
    }

    @Test
    void aValidStreamPasses() {
        assertThatCode(() -> ResponsesStreamInvariants.assertValid(validStream()))
                .doesNotThrowAnyException();
    }

    @Test
    void aGapInSequenceNumbersIsCaught() {
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(
                        withEvent(3, data -> data.replace("\"sequence_number\":3", "\"sequence_number\":4"))))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aDeltaForAnItemThatIsNotOpenIsCaught() {
        List<SseEvent> events = validStream();
        int delta = indexOf(events, EventTypes.OUTPUT_TEXT_DELTA);
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(
                        withEvent(delta, data -> data.replace("\"item_id\":\"msg_1\"", "\"item_id\":\"msg_9\""))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("item id");
    }

    @Test
    void twoOpenItemsAreCaught() {
        List<SseEvent> events = new ArrayList<>(validStream());
        int firstDone = indexOf(events, EventTypes.OUTPUT_ITEM_DONE);
        events.remove(firstDone);
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events)).isInstanceOf(AssertionError.class);
    }

    @Test
    void aTerminalOutputThatDiffersFromTheDoneItemsIsCaught() {
        List<SseEvent> events = validStream();
        int last = events.size() - 1;
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(
                        withEvent(last, data -> data.replace("\"arguments\":\"{}\"", "\"arguments\":\"{ }\""))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("output = output_item.done items");
    }

    @Test
    void missingTotalTokensIsCaught() {
        List<SseEvent> events = validStream();
        int last = events.size() - 1;
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(
                        withEvent(last, data -> data.replace(",\"total_tokens\":7", ""))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("usage.total_tokens");
    }

    @Test
    void doneTextThatDiffersFromTheDeltasIsCaught() {
        List<SseEvent> events = validStream();
        int done = indexOf(events, EventTypes.OUTPUT_TEXT_DONE);
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(
                        withEvent(done, data -> data.replace("\"text\":\"Hi\"", "\"text\":\"Hi!\""))))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void eventsAfterTheTerminalEventAreCaught() {
        List<SseEvent> events = new ArrayList<>(validStream());
        events.add(events.get(events.size() - 1));
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events)).isInstanceOf(AssertionError.class);
    }

    @Test
    void aCompletedResponseWithAnItemLeftOpenIsCaught() {
        List<SseEvent> events = new ArrayList<>(validStream());
        int lastDone = events.size() - 2;
        events.remove(lastDone);
        assertThatThrownBy(() -> ResponsesStreamInvariants.assertValid(events)).isInstanceOf(AssertionError.class);
    }

    @Test
    void openAiJavaRejectsAnEventMissingARequiredField() {
        List<SseEvent> events = validStream();
        int added = indexOf(events, EventTypes.OUTPUT_ITEM_ADDED);
        assertThatThrownBy(() -> OpenAiJavaConformance.assertAccepted(
                        withEvent(added, data -> data.replace("\"output_index\":0,", ""))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("openai-java rejects");
    }
}
