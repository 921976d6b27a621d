package dev.responsesrelay.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.ResponsesTranslator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The resolve and record steps against the in-memory store. Requests and responses are synthetic,
 * shaped after the Responses API objects in docs/state.md §1.7 (the AI SDK's item_reference, §2).
 */
class ConversationStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "scope-alice";
    private static final String BOB = "scope-bob";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final InMemoryResponseStore store = new InMemoryResponseStore(100, 1 << 20, Duration.ofDays(30), clock);
    private final ConversationState state = ConversationState.builder(store)
            .idGenerator(IdGenerator.sequential())
            .build();

    @Test
    void previousResponseIdPutsTheChainInFrontWithoutInstructions() throws Exception {
        ResolvedRequest first =
                state.resolve(body("{\"model\":\"m\",\"instructions\":\"be terse\",\"input\":\"hi\"}"), ALICE);
        assertThat(state.record(first, response("resp_1", "msg_a", "hello")))
                .isEqualTo(ConversationState.RecordOutcome.STORED);

        ResolvedRequest second =
                state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"again\"}"), ALICE);
        JsonNode sent = JSON.readTree(second.body());

        assertThat(sent.has("previous_response_id")).isFalse();
        assertThat(sent.has("instructions")).isFalse();
        assertThat(sent.at("/input").size()).isEqualTo(3);
        assertThat(sent.at("/input/0/content/0/text").asText()).isEqualTo("hi");
        assertThat(sent.at("/input/1/id").asText()).isEqualTo("msg_a");
        assertThat(sent.at("/input/1/content/0/text").asText()).isEqualTo("hello");
        assertThat(sent.at("/input/2/content/0/text").asText()).isEqualTo("again");
        // The resolved body translates: the upstream sees turn 1's question and answer.
        String chat = ResponsesTranslator.create().translate(second.body()).chatRequestJson();
        assertThat(JSON.readTree(chat).at("/messages").size()).isEqualTo(3);
        assertThat(JSON.readTree(chat).at("/messages/1/content").asText()).isEqualTo("hello");
    }

    @Test
    void aThreeTurnChainCarriesEveryTurnInOrder() throws Exception {
        state.record(
                state.resolve(body("{\"model\":\"m\",\"input\":\"one\"}"), ALICE), response("resp_1", "msg_1", "A1"));
        state.record(
                state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"two\"}"), ALICE),
                response("resp_2", "msg_2", "A2"));
        ResolvedRequest third =
                state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_2\",\"input\":\"three\"}"), ALICE);

        JsonNode input = JSON.readTree(third.body()).get("input");
        assertThat(input).hasSize(5);
        assertThat(input.get(2).at("/content/0/text").asText()).isEqualTo("two");
        assertThat(input.get(3).at("/content/0/text").asText()).isEqualTo("A2");
        assertThat(store.get(ALICE, "resp_2").orElseThrow().previousResponseId())
                .isEqualTo("resp_1");
    }

    @Test
    void unknownAndForeignPreviousResponseIdsAreNotFoundInOpenAisShape() {
        state.record(
                state.resolve(body("{\"model\":\"m\",\"input\":\"hi\"}"), ALICE), response("resp_1", "msg_a", "x"));

        for (String[] c : new String[][] {{"resp_nope", ALICE}, {"resp_1", BOB}}) {
            assertThatThrownBy(() -> state.resolve(
                            body("{\"model\":\"m\",\"previous_response_id\":\"" + c[0] + "\",\"input\":\"x\"}"), c[1]))
                    .isInstanceOfSatisfying(RelayException.class, e -> {
                        assertThat(e.error().httpStatus()).isEqualTo(400);
                        assertThat(e.error().code()).contains("previous_response_not_found");
                        assertThat(e.error().param()).contains("previous_response_id");
                        assertThat(e.error().message())
                                .isEqualTo("Previous response with id '" + c[0] + "' not found.");
                    });
        }
    }

    @Test
    void expiredAndDeletedResponsesAreNotFound() {
        state.record(
                state.resolve(body("{\"model\":\"m\",\"input\":\"hi\"}"), ALICE), response("resp_1", "msg_a", "x"));
        state.record(
                state.resolve(body("{\"model\":\"m\",\"input\":\"hi\"}"), ALICE), response("resp_2", "msg_b", "y"));

        assertThat(state.delete(ALICE, "resp_2")).contains("\"deleted\":true");
        assertThatThrownBy(() -> state.delete(ALICE, "resp_2"))
                .isInstanceOfSatisfying(
                        RelayException.class,
                        e -> assertThat(e.error().httpStatus()).isEqualTo(404));
        assertNotFound("resp_2");

        clock.now = clock.now.plus(Duration.ofDays(31));
        assertNotFound("resp_1");
        assertThatThrownBy(() -> state.retrieve(ALICE, "resp_1")).isInstanceOf(RelayException.class);
    }

    @Test
    void deletingAnEarlierLinkBreaksTheLaterChainLoudly() {
        state.record(
                state.resolve(body("{\"model\":\"m\",\"input\":\"one\"}"), ALICE), response("resp_1", "msg_1", "A1"));
        state.record(
                state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"two\"}"), ALICE),
                response("resp_2", "msg_2", "A2"));
        state.delete(ALICE, "resp_1");

        assertThatThrownBy(() -> state.resolve(
                        body("{\"model\":\"m\",\"previous_response_id\":\"resp_2\",\"input\":\"x\"}"), ALICE))
                .isInstanceOfSatisfying(
                        RelayException.class,
                        e -> assertThat(e.error().message()).contains("'resp_1'"));
    }

    @Test
    void itemReferencesAndIdOnlyReasoningAreReplacedByTheStoredItems() throws Exception {
        String reasoning = "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"ENVELOPE\"}";
        String answer = "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"A1\",\"annotations\":[]}]}";
        state.record(
                state.resolve(body("{\"model\":\"m\",\"input\":\"one\"}"), ALICE),
                "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":" + clock.now.getEpochSecond()
                        + ",\"status\":\"completed\",\"model\":\"m\",\"output\":[" + reasoning + "," + answer + "]}");

        ResolvedRequest next = state.resolve(
                body("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"one\"},"
                        + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
                        + "{\"type\":\"item_reference\",\"id\":\"msg_1\"},{\"id\":\"msg_1\"},"
                        + "{\"role\":\"user\",\"content\":\"two\"}]}"),
                ALICE);
        JsonNode input = JSON.readTree(next.body()).get("input");

        assertThat(next.usedStore()).isTrue();
        assertThat(input).hasSize(5);
        assertThat(input.get(1).get("encrypted_content").asText()).isEqualTo("ENVELOPE");
        assertThat(input.get(2)).isEqualTo(JSON.readTree(answer));
        assertThat(input.get(3)).isEqualTo(JSON.readTree(answer));
    }

    @Test
    void anUnresolvableItemIsA400NamingItsPath() {
        for (String item : new String[] {
            "{\"type\":\"item_reference\",\"id\":\"msg_unknown\"}",
            "{\"type\":\"reasoning\",\"id\":\"rs_unknown\",\"summary\":[],\"encrypted_content\":null}",
            "{\"type\":\"item_reference\"}"
        }) {
            assertThatThrownBy(() -> state.resolve(
                            body("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"x\"}," + item + "]}"),
                            ALICE))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                        assertThat(e.error().httpStatus()).isEqualTo(400);
                        assertThat(e.path()).startsWith("/input/1");
                    });
        }
    }

    @Test
    void storeFalseKeepsNothingAndAStatelessBodyIsPassedOnUntouched() {
        byte[] codexLike = body("{\"model\":\"m\",\"store\":false,\"input\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}");
        ResolvedRequest resolved = state.resolve(codexLike, ALICE);

        assertThat(resolved.body()).isSameAs(codexLike);
        assertThat(resolved.usedStore()).isFalse();
        assertThat(state.record(resolved, response("resp_1", "msg_1", "x")))
                .isEqualTo(ConversationState.RecordOutcome.NOT_REQUESTED);
        assertThat(store.size()).isZero();
    }

    @Test
    void retrieveAndInputItemsServeWhatWasStored() throws Exception {
        ResolvedRequest first = state.resolve(
                body(
                        "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"},"
                                + "{\"type\":\"message\",\"id\":\"msg_client\",\"role\":\"user\",\"content\":\"c\"}]}"),
                ALICE);
        state.record(first, response("resp_1", "msg_out", "answer"));

        JsonNode retrieved = JSON.readTree(state.retrieve(ALICE, "resp_1"));
        assertThat(retrieved.get("id").asText()).isEqualTo("resp_1");
        assertThat(retrieved.at("/output/0/content/0/text").asText()).isEqualTo("answer");
        assertThatThrownBy(() -> state.retrieve(BOB, "resp_1")).isInstanceOf(RelayException.class);

        JsonNode page1 = JSON.readTree(state.inputItems(ALICE, "resp_1", null, "2", null));
        assertThat(page1.get("object").asText()).isEqualTo("list");
        assertThat(page1.get("data")).hasSize(2);
        assertThat(page1.at("/data/0/id").asText()).isEqualTo("msg_client");
        assertThat(page1.get("has_more").asBoolean()).isTrue();
        assertThat(page1.get("first_id").asText()).isEqualTo("msg_client");
        JsonNode page2 = JSON.readTree(state.inputItems(
                ALICE, "resp_1", "desc", "2", page1.get("last_id").asText()));
        assertThat(page2.get("data")).hasSize(1);
        assertThat(page2.get("has_more").asBoolean()).isFalse();
        assertThat(page2.at("/data/0/id").asText()).startsWith("msg_");
        assertThat(page2.at("/data/0/content/0/text").asText()).isEqualTo("a");
        // openai-java pages until data is empty (docs/state.md §1.6).
        JsonNode empty = JSON.readTree(state.inputItems(
                ALICE, "resp_1", "desc", "2", page2.get("last_id").asText()));
        assertThat(empty.get("data")).isEmpty();
        JsonNode ascending = JSON.readTree(state.inputItems(ALICE, "resp_1", "asc", null, null));
        assertThat(ascending.at("/data/0/content/0/text").asText()).isEqualTo("a");
        assertThatThrownBy(() -> state.inputItems(ALICE, "resp_1", "sideways", null, null))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> state.inputItems(ALICE, "resp_1", null, "101", null))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aResponseAboveTheSizeCapIsNotStored() {
        ConversationState small =
                ConversationState.builder(store).maxStoredBytes(100).build();
        ResolvedRequest request = small.resolve(body("{\"model\":\"m\",\"input\":\"" + "x".repeat(200) + "\"}"), ALICE);

        assertThat(small.record(request, response("resp_big", "msg_1", "y")))
                .isEqualTo(ConversationState.RecordOutcome.TOO_LARGE);
        assertThat(store.get(ALICE, "resp_big")).isEmpty();
    }

    @Test
    void theInMemoryStoreEvictsItsOldestResponsesFirst() {
        InMemoryResponseStore tiny = new InMemoryResponseStore(2, 1 << 20, Duration.ofDays(1), clock);
        ConversationState bounded = ConversationState.builder(tiny).build();
        for (int i = 1; i <= 3; i++) {
            bounded.record(
                    bounded.resolve(body("{\"model\":\"m\",\"input\":\"q\"}"), ALICE),
                    response("resp_" + i, "msg_" + i, "a"));
        }
        assertThat(tiny.size()).isEqualTo(2);
        assertThat(tiny.get(ALICE, "resp_1")).isEmpty();
        assertThat(tiny.findItem(ALICE, "msg_1")).isEmpty();
        assertThat(tiny.findItem(ALICE, "msg_3")).isPresent();
    }

    private String response(String id, String messageId, String text) {
        return "{\"id\":\"" + id + "\",\"object\":\"response\",\"created_at\":" + clock.now.getEpochSecond()
                + ",\"status\":\"completed\",\"model\":\"m\",\"output\":[{\"type\":\"message\",\"id\":\"" + messageId
                + "\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\""
                + text
                + "\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}";
    }

    private void assertNotFound(String id) {
        assertThatThrownBy(() -> state.resolve(
                        body("{\"model\":\"m\",\"previous_response_id\":\"" + id + "\",\"input\":\"x\"}"), ALICE))
                .isInstanceOfSatisfying(
                        RelayException.class,
                        e -> assertThat(e.error().code()).contains("previous_response_not_found"));
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A clock the test moves; retention is measured with it. */
    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
