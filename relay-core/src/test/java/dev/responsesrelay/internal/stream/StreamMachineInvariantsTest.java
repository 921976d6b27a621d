package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.ResponsesStreamAssertionError;
import dev.responsesrelay.fixtures.ResponsesStreamChecker.Rule;
import dev.responsesrelay.fixtures.ResponsesStreamChecker.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The checker every test stream goes through (relay-fixtures' {@link ResponsesStreamChecker}, via
 * {@link StreamRun#assertValid}) must catch broken streams of this translator too; each test breaks
 * a valid translated stream in one way and names the rule that must fire. The checker's own rule
 * tests live in the fixtures module.
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

    /** The rules the checker reports for {@code events}, which must be broken. */
    private static List<Rule> brokenRules(List<SseEvent> events) {
        try {
            StreamRun.assertValid(events);
        } catch (ResponsesStreamAssertionError e) {
            return e.violations().stream().map(Violation::rule).distinct().toList();
        }
        throw new AssertionError("the checker accepted a broken stream");
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
        assertThatCode(() -> StreamRun.assertValid(validStream())).doesNotThrowAnyException();
    }

    @Test
    void aGapInSequenceNumbersIsCaught() {
        assertThat(brokenRules(withEvent(3, data -> data.replace("\"sequence_number\":3", "\"sequence_number\":4"))))
                .containsExactly(Rule.SEQUENCE_NUMBER);
    }

    @Test
    void aDeltaForAnItemThatIsNotOpenIsCaught() {
        List<SseEvent> events = validStream();
        int delta = indexOf(events, EventTypes.OUTPUT_TEXT_DELTA);
        assertThat(brokenRules(
                        withEvent(delta, data -> data.replace("\"item_id\":\"msg_1\"", "\"item_id\":\"msg_9\""))))
                .contains(Rule.DELTA_FOR_OPEN_ITEM);
    }

    @Test
    void twoOpenItemsAreCaught() {
        List<SseEvent> events = new ArrayList<>(validStream());
        int firstDone = indexOf(events, EventTypes.OUTPUT_ITEM_DONE);
        events.remove(firstDone);
        assertThat(brokenRules(events)).contains(Rule.ONE_OPEN_ITEM);
    }

    @Test
    void aTerminalOutputThatDiffersFromTheDoneItemsIsCaught() {
        List<SseEvent> events = validStream();
        int last = events.size() - 1;
        assertThat(brokenRules(withEvent(last, data -> data.replace("\"arguments\":\"{}\"", "\"arguments\":\"{ }\""))))
                .containsExactly(Rule.OUTPUT_MATCHES_DONE_ITEMS);
    }

    @Test
    void missingTotalTokensIsCaught() {
        List<SseEvent> events = validStream();
        int last = events.size() - 1;
        assertThat(brokenRules(withEvent(last, data -> data.replace(",\"total_tokens\":7", ""))))
                .containsExactly(Rule.USAGE_ON_COMPLETED);
    }

    @Test
    void doneTextThatDiffersFromTheDeltasIsCaught() {
        List<SseEvent> events = validStream();
        int done = indexOf(events, EventTypes.OUTPUT_TEXT_DONE);
        assertThat(brokenRules(withEvent(done, data -> data.replace("\"text\":\"Hi\"", "\"text\":\"Hi!\""))))
                .contains(Rule.DONE_MATCHES_DELTAS);
    }

    @Test
    void eventsAfterTheTerminalEventAreCaught() {
        List<SseEvent> events = new ArrayList<>(validStream());
        events.add(events.get(events.size() - 1));
        assertThat(brokenRules(events)).contains(Rule.ONE_TERMINAL_EVENT_LAST);
    }

    @Test
    void aCompletedResponseWithAnItemLeftOpenIsCaught() {
        List<SseEvent> events = new ArrayList<>(validStream());
        int lastDone = events.size() - 2;
        events.remove(lastDone);
        assertThat(brokenRules(events)).contains(Rule.ADDED_HAS_DONE);
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
