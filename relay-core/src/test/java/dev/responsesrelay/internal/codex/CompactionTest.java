package dev.responsesrelay.internal.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.request.RequestMapperTestSupport;
import dev.responsesrelay.internal.stream.Chunks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Remote compaction v2 (docs/codex-wire.md §3): the envelope, the request mapping of {@code
 * compaction_trigger} and {@code compaction} items, and the single-item answer. Upstream chunks are
 * synthetic, shaped after docs/dialects.md §0 (OpenAI chunks, see {@link Chunks}).
 */
class CompactionTest {
    private static final String TRIGGER_REQUEST = "{\"model\":\"m\",\"stream\":%s,\"tools\":[{\"type\":\"function\","
            + "\"name\":\"shell\",\"parameters\":{\"type\":\"object\"}}],\"tool_choice\":\"auto\","
            + "\"parallel_tool_calls\":true,\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_text\",\"text\":\"fix the bug\"}]},{\"type\":\"compaction_trigger\"}]}";

    private static final ResponsesTranslator TRANSLATOR = ResponsesTranslator.builder()
            .provider(ProviderProfile.GENERIC)
            .idGenerator(IdGenerator.sequential())
            .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
            .build();

    @Test
    void envelopeRoundTripsTheSummaryWithUnicodeAndNewlines() {
        String summary = "Done: parser.\nNext: «tests» ✓";
        String envelope = Compaction.encode(summary);

        assertThat(envelope).startsWith("rrcompact1:").doesNotContain("=", "+", "/", "\n");
        assertThat(Compaction.decode(envelope, "/input/3/encrypted_content")).isEqualTo(summary);
    }

    @Test
    void envelopeWithOurPrefixButBrokenBodyIsRefusedWithItsPath() {
        assertThatThrownBy(() -> Compaction.decode("rrcompact1:!!!", "/input/2/encrypted_content"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.path()).isEqualTo("/input/2/encrypted_content");
                    assertThat(e.error().httpStatus()).isEqualTo(400);
                });
        String wrongVersion = "rrcompact1:"
                + Base64.getUrlEncoder().encodeToString("{\"v\":9,\"summary\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Compaction.decode(wrongVersion, "/p"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("damaged");
    }

    @Test
    void triggerBecomesCodexsPromptAsLastUserMessageAndToolsAreDropped() {
        Translation translation = TRANSLATOR.translate(TRIGGER_REQUEST.formatted("true"));
        JsonNode chat = RequestMapperTestSupport.tree(translation.chatRequestJson());
        JsonNode messages = chat.get("messages");

        assertThat(translation.isCompaction()).isTrue();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).toString()).contains("CONTEXT CHECKPOINT COMPACTION");
        assertThat(chat.has("tools")).isFalse();
        assertThat(chat.has("tool_choice")).isFalse();
        assertThat(chat.has("parallel_tool_calls")).isFalse();
    }

    @Test
    void ourCompactionItemBecomesTheSummaryUserMessageInItsPlace() {
        String request = "{\"model\":\"m\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":\"first\"},"
                + "{\"type\":\"compaction\",\"id\":\"cmp_1\",\"encrypted_content\":\""
                + Compaction.encode("the summary")
                + "\"},{\"type\":\"message\",\"role\":\"user\",\"content\":\"go on\"}]}";
        Translation translation = TRANSLATOR.translate(request);
        JsonNode messages =
                RequestMapperTestSupport.tree(translation.chatRequestJson()).get("messages");

        assertThat(translation.isCompaction()).isFalse();
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).toString())
                .contains("Another language model started to solve this problem")
                .contains("the summary");
        assertThat(messages.get(2).toString()).contains("go on");
    }

    @Test
    void streamedCompactionAnswersWithExactlyOneCompactionItemHoldingTheSummary() {
        Translation translation = TRANSLATOR.translate(TRIGGER_REQUEST.formatted("true"));
        ResponsesStream stream = translation.newStream();
        List<SseEvent> events = new ArrayList<>(stream.start());
        events.addAll(stream.onData(Chunks.role()));
        events.addAll(stream.onData(Chunks.text("Progress: parser ")));
        events.addAll(stream.onData(Chunks.text("done.")));
        events.addAll(
                stream.onData(Chunks.delta("{}").replace("\"finish_reason\":null", "\"finish_reason\":\"stop\"")));
        events.addAll(stream.onData("[DONE]"));
        events.addAll(stream.onEnd());

        List<String> types = events.stream().map(SseEvent::event).toList();
        assertThat(types).containsSubsequence("response.created", "response.output_item.done", "response.completed");
        assertThat(types).doesNotContain("response.output_text.delta", "response.content_part.added");
        List<JsonNode> done = events.stream()
                .filter(e -> e.event().equals("response.output_item.done"))
                .map(e -> RequestMapperTestSupport.tree(e.data()))
                .toList();
        assertThat(done).singleElement().satisfies(event -> {
            assertThat(event.at("/item/type").asText()).isEqualTo("compaction");
            assertThat(Compaction.decode(event.at("/item/encrypted_content").asText(), "/"))
                    .isEqualTo("Progress: parser done.");
        });
        JsonNode completed =
                RequestMapperTestSupport.tree(events.get(events.size() - 1).data());
        assertThat(completed.at("/response/output")).hasSize(1);
        assertThat(completed.at("/response/output/0/type").asText()).isEqualTo("compaction");
        for (int i = 0; i < events.size(); i++) {
            assertThat(RequestMapperTestSupport.tree(events.get(i).data())
                            .get("sequence_number")
                            .asInt())
                    .as("sequence_number of event %d", i)
                    .isEqualTo(i);
        }
        assertThat(stream.responseJson())
                .hasValueSatisfying(json -> assertThat(json).contains("\"compaction\""));
    }

    @Test
    void compactionWithNoSummaryTextFailsInsteadOfErasingTheConversation() {
        Translation translation = TRANSLATOR.translate(TRIGGER_REQUEST.formatted("true"));
        ResponsesStream stream = translation.newStream();
        List<SseEvent> events = new ArrayList<>(stream.start());
        events.addAll(stream.onData(Chunks.role()));
        events.addAll(
                stream.onData(Chunks.delta("{}").replace("\"finish_reason\":null", "\"finish_reason\":\"stop\"")));
        events.addAll(stream.onData("[DONE]"));
        events.addAll(stream.onEnd());

        assertThat(events.get(events.size() - 1).event()).isEqualTo("response.failed");
        assertThat(events).noneMatch(e -> e.event().equals("response.output_item.done"));
        assertThat(stream.error())
                .hasValueSatisfying(e -> assertThat(e.httpStatus()).isEqualTo(502));
    }

    @Test
    void nonStreamingCompactionAnswerHasOneCompactionItem() {
        Translation translation = TRANSLATOR.translate(TRIGGER_REQUEST.formatted("false"));
        String completion = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"u\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"short summary\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}";

        JsonNode response = RequestMapperTestSupport.tree(translation.toResponseJson(completion));

        assertThat(response.get("status").asText()).isEqualTo("completed");
        assertThat(response.get("output")).hasSize(1);
        assertThat(Compaction.decode(response.at("/output/0/encrypted_content").asText(), "/"))
                .isEqualTo("short summary");
    }
}
