package dev.responsesrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole-answer benchmark translates a complete, successful agent turn. */
class AnswerTranslationBenchmarkTest {
    @Test
    void answerCompletesWithReasoningTextAndOneWholeToolCall() throws IOException {
        ResponsesStream stream = ResponsesTranslator.builder()
                .idGenerator(IdGenerator.sequential())
                .build()
                .translate(BenchRequests.SMALL)
                .newStream();
        List<SseEvent> events = new ArrayList<>(stream.start());
        for (String data : AnswerTranslationBenchmark.answer()) {
            events.addAll(stream.onData(data));
        }
        events.addAll(stream.onEnd());

        SseEvent last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("response.completed");
        JsonNode output = Json.MAPPER.readTree(last.data()).path("response").path("output");
        assertThat(output).hasSize(3);
        assertThat(output.get(0).path("type").asText()).isEqualTo("reasoning");
        assertThat(output.get(1).path("content").get(0).path("text").asText())
                .hasSize(AnswerTranslationBenchmark.TEXT_CHUNKS * " World".length());
        assertThat(output.get(2).path("type").asText()).isEqualTo("function_call");
        assertThat(output.get(2).path("name").asText()).isEqualTo("exec_command");
        assertThat(output.get(2).path("arguments").asText()).isEqualTo("{\"cmd\": \"ls -la\"}");
        assertThat(events.stream().filter(e -> e.event().equals("response.reasoning_summary_text.delta")))
                .hasSize(AnswerTranslationBenchmark.REASONING_CHUNKS + 1);
    }

    @Test
    void openStreamEmitsCreatedAndInProgress() {
        List<SseEvent> events = new AnswerTranslationBenchmark().openStream();

        assertThat(events).extracting(SseEvent::event).containsExactly("response.created", "response.in_progress");
    }
}
