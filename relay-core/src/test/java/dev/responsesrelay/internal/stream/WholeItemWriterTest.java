package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.internal.JsonTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events of whole-item answers (Codex as a model, the WebSocket prewarm): written by the one
 * {@link EventWriter}, they must pass relay-fixtures' stream checker and openai-java's accumulator
 * like the translator's. Item contents are synthetic.
 */
class WholeItemWriterTest {
    private static final long CREATED_AT = 1_700_000_000L;

    @Test
    void reasoningMessageAndCallAreWrittenWholeAndEndInTheirOutput() {
        WholeItemWriter writer = new WholeItemWriter("resp_1", "codex-local", CREATED_AT);
        writer.start();
        writer.reasoning("rs_1", "Thinking.");
        writer.message("msg_1", "Hello!");
        writer.functionCall("fc_1", "call_1", "get_weather", "{\"city\":\"Paris\"}");
        writer.completed(100, 40, 20, 5);
        List<SseEvent> events = writer.drain();

        assertValid(events);
        assertThat(events)
                .extracting(SseEvent::event)
                .containsExactly(
                        EventTypes.CREATED,
                        EventTypes.IN_PROGRESS,
                        EventTypes.OUTPUT_ITEM_ADDED,
                        EventTypes.REASONING_SUMMARY_PART_ADDED,
                        EventTypes.REASONING_SUMMARY_TEXT_DELTA,
                        EventTypes.REASONING_SUMMARY_TEXT_DONE,
                        EventTypes.REASONING_SUMMARY_PART_DONE,
                        EventTypes.OUTPUT_ITEM_DONE,
                        EventTypes.OUTPUT_ITEM_ADDED,
                        EventTypes.CONTENT_PART_ADDED,
                        EventTypes.OUTPUT_TEXT_DELTA,
                        EventTypes.OUTPUT_TEXT_DONE,
                        EventTypes.CONTENT_PART_DONE,
                        EventTypes.OUTPUT_ITEM_DONE,
                        EventTypes.OUTPUT_ITEM_ADDED,
                        EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA,
                        EventTypes.FUNCTION_CALL_ARGUMENTS_DONE,
                        EventTypes.OUTPUT_ITEM_DONE,
                        EventTypes.COMPLETED);
        JsonNode response =
                JsonTestSupport.tree(events.get(events.size() - 1).data()).get("response");
        assertThat(response.at("/output").findValuesAsText("type")).contains("reasoning", "message", "function_call");
        assertThat(response.at("/output/2/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(response.at("/usage/total_tokens").asLong()).isEqualTo(120);
        assertThat(response.at("/usage/input_tokens_details/cached_tokens").asLong())
                .isEqualTo(40);
        assertThat(response.at("/usage/output_tokens_details/reasoning_tokens").asLong())
                .isEqualTo(5);
        assertThat(response.get("created_at").asLong()).isEqualTo(CREATED_AT);
    }

    @Test
    void failureKeepsTheItemsWrittenAndCarriesTheError() {
        WholeItemWriter writer = new WholeItemWriter("resp_1", "codex-local", CREATED_AT);
        writer.start();
        writer.message("msg_1", "Hi");
        writer.failed(RelayError.of(500, "server_error", "server_error", "codex exited", null, null));
        List<SseEvent> events = writer.drain();

        assertValid(events);
        JsonNode response =
                JsonTestSupport.tree(events.get(events.size() - 1).data()).get("response");
        assertThat(response.get("status").asText()).isEqualTo("failed");
        assertThat(response.at("/error/message").asText()).isEqualTo("codex exited");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Hi");
        assertThat(writer.isTerminal()).isTrue();
    }

    @Test
    void prewarmIsCreatedThenCompletedWithNoOutput() {
        List<SseEvent> events = WholeItemWriter.prewarm("resp_9", "gpt-5.5", CREATED_AT);

        assertThat(events).extracting(SseEvent::event).containsExactly(EventTypes.CREATED, EventTypes.COMPLETED);
        assertValid(events);
        JsonNode completed = JsonTestSupport.tree(events.get(1).data());
        assertThat(completed.get("sequence_number").asInt()).isEqualTo(1);
        assertThat(completed.at("/response/id").asText()).isEqualTo("resp_9");
        assertThat(completed.at("/response/output")).isEmpty();
        assertThat(completed.at("/response/usage/total_tokens").asInt()).isZero();
    }

    @Test
    void callsOutOfOrderAreRefused() {
        WholeItemWriter writer = new WholeItemWriter("resp_1", "m", CREATED_AT);
        assertThatThrownBy(() -> writer.message("msg_1", "early")).isInstanceOf(IllegalStateException.class);
        writer.start();
        assertThatThrownBy(writer::start).isInstanceOf(IllegalStateException.class);
        writer.completed(0, 0, 0, 0);
        assertThatThrownBy(() -> writer.completed(0, 0, 0, 0)).isInstanceOf(IllegalStateException.class);
    }

    private static void assertValid(List<SseEvent> events) {
        ResponsesStreamChecker.create()
                .onlyKnownTypes()
                .check(new ArrayList<>(events), SseEvent::event, SseEvent::data)
                .assertValid();
        OpenAiJavaConformance.assertAccepted(events);
    }
}
