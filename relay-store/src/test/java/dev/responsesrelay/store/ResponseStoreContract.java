package dev.responsesrelay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.state.ConversationState;
import dev.responsesrelay.state.ResolvedRequest;
import dev.responsesrelay.state.ResponseStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every rule of issue 12 that a store takes part in, run against each store (in-memory, SQLite,
 * PostgreSQL) through {@link ConversationState}. Requests and responses are synthetic, shaped after
 * the Responses objects in docs/state.md §1.7.
 */
abstract class ResponseStoreContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "scope-alice";
    static final String BOB = "scope-bob";
    static final Duration RETENTION = Duration.ofDays(30);

    final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T00:00:00Z"));
    ResponseStore store;
    ConversationState state;

    /** A fresh, empty store measuring retention with {@code clock}. */
    abstract ResponseStore newStore(Clock clock) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore(clock);
        state = ConversationState.builder(store)
                .idGenerator(IdGenerator.random())
                .build();
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void aChainIsReplayedOldestFirstWithEveryItem() throws Exception {
        record(
                ALICE,
                "{\"model\":\"m\",\"instructions\":\"terse\",\"input\":\"one\"}",
                "resp_1",
                reasoningAndAnswer("1"));
        record(
                ALICE,
                "{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"two\"}",
                "resp_2",
                reasoningAndAnswer("2"));

        JsonNode sent = JSON.readTree(
                state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_2\",\"input\":\"three\"}"), ALICE)
                        .body());

        assertThat(sent.has("instructions")).isFalse();
        assertThat(texts(sent.get("input")))
                .containsExactly("one", "rs_1:ENVELOPE-1", "A1", "two", "rs_2:ENVELOPE-2", "A2", "three");
    }

    @Test
    void unknownForeignExpiredAndDeletedIdsAreNotFound() {
        record(ALICE, "{\"model\":\"m\",\"input\":\"one\"}", "resp_1", reasoningAndAnswer("1"));
        record(ALICE, "{\"model\":\"m\",\"input\":\"one\"}", "resp_2", reasoningAndAnswer("2"));

        assertPreviousNotFound(ALICE, "resp_unknown");
        assertPreviousNotFound(BOB, "resp_1");
        assertThatThrownBy(() -> state.retrieve(BOB, "resp_1")).isInstanceOf(RelayException.class);
        assertThatThrownBy(() -> state.delete(BOB, "resp_1")).isInstanceOf(RelayException.class);

        state.delete(ALICE, "resp_2");
        assertPreviousNotFound(ALICE, "resp_2");

        clock.now = clock.now.plus(RETENTION).plusSeconds(1);
        assertPreviousNotFound(ALICE, "resp_1");
        assertThat(store.findItem(ALICE, "msg_1")).isEmpty();
    }

    @Test
    void itemReferencesResolveOnlyForTheirOwnClient() throws Exception {
        record(ALICE, "{\"model\":\"m\",\"input\":\"one\"}", "resp_1", reasoningAndAnswer("1"));
        String next = "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"one\"},"
                + "{\"type\":\"item_reference\",\"id\":\"rs_1\"},{\"type\":\"item_reference\",\"id\":\"msg_1\"},"
                + "{\"role\":\"user\",\"content\":\"two\"}]}";

        JsonNode sent = JSON.readTree(state.resolve(body(next), ALICE).body());
        assertThat(texts(sent.get("input"))).containsExactly("one", "rs_1:ENVELOPE-1", "A1", "two");

        assertThatThrownBy(() -> state.resolve(body(next), BOB))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.path()).isEqualTo("/input/1"));
    }

    @Test
    void retrieveAndInputItemsPageThroughWhatWasStored() throws Exception {
        record(
                ALICE,
                "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"},"
                        + "{\"role\":\"user\",\"content\":\"c\"}]}",
                "resp_1",
                reasoningAndAnswer("1"));

        JsonNode response = JSON.readTree(state.retrieve(ALICE, "resp_1"));
        assertThat(response.get("id").asText()).isEqualTo("resp_1");
        assertThat(response.at("/output/0/encrypted_content").asText()).isEqualTo("ENVELOPE-1");
        assertThat(response.at("/usage/total_tokens").asInt()).isEqualTo(2);

        List<String> seen = new ArrayList<>();
        String after = null;
        boolean more = true;
        while (more) {
            JsonNode page = JSON.readTree(state.inputItems(ALICE, "resp_1", "asc", "2", after));
            page.get("data").forEach(item -> seen.add(item.at("/content/0/text").asText()));
            more = page.get("has_more").asBoolean();
            after = page.get("last_id").asText();
        }
        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void storeFalseLeavesNothing() {
        ResolvedRequest request = state.resolve(body("{\"model\":\"m\",\"store\":false,\"input\":\"secret\"}"), ALICE);
        state.record(request, responseJson("resp_1", reasoningAndAnswer("1")));

        assertThat(store.get(ALICE, "resp_1")).isEmpty();
        assertThat(store.findItem(ALICE, "msg_1")).isEmpty();
    }

    @Test
    void concurrentTurnsOnOneChainEachGetTheirOwnHistory() throws Exception {
        record(ALICE, "{\"model\":\"m\",\"input\":\"root\"}", "resp_root", reasoningAndAnswer("0"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> branches = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int branch = i;
                Callable<String> turn = () -> {
                    ResolvedRequest second = state.resolve(
                            body("{\"model\":\"m\",\"previous_response_id\":\"resp_root\",\"input\":\"b" + branch
                                    + "\"}"),
                            ALICE);
                    state.record(second, responseJson("resp_b" + branch, answer("b" + branch)));
                    ResolvedRequest third = state.resolve(
                            body("{\"model\":\"m\",\"previous_response_id\":\"resp_b" + branch + "\",\"input\":\"x\"}"),
                            ALICE);
                    return String.join(",", texts(JSON.readTree(third.body()).get("input")));
                };
                branches.add(pool.submit(turn));
            }
            for (int i = 0; i < branches.size(); i++) {
                assertThat(branches.get(i).get()).isEqualTo("root,rs_0:ENVELOPE-0,A0,b" + i + ",Ab" + i + ",x");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------

    void record(String scope, String request, String responseId, String output) {
        ResolvedRequest resolved = state.resolve(body(request), scope);
        assertThat(state.record(resolved, responseJson(responseId, output)))
                .isEqualTo(ConversationState.RecordOutcome.STORED);
    }

    String responseJson(String id, String output) {
        return "{\"id\":\"" + id + "\",\"object\":\"response\",\"created_at\":" + clock.now.getEpochSecond()
                + ",\"status\":\"completed\",\"model\":\"m\",\"output\":[" + output + "],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}";
    }

    static String reasoningAndAnswer(String n) {
        return "{\"type\":\"reasoning\",\"id\":\"rs_" + n + "\",\"summary\":[],\"encrypted_content\":\"ENVELOPE-" + n
                + "\"}," + answer(n);
    }

    static String answer(String n) {
        return "{\"type\":\"message\",\"id\":\"msg_" + n + "\",\"role\":\"assistant\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"A" + n + "\",\"annotations\":[]}]}";
    }

    /** Each input item as one string: a message's text, or a reasoning item's id and envelope. */
    static List<String> texts(JsonNode input) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : input) {
            if ("reasoning".equals(item.path("type").asText())) {
                out.add(item.get("id").asText() + ":"
                        + item.get("encrypted_content").asText());
            } else {
                JsonNode content = item.get("content");
                out.add(
                        content.isTextual()
                                ? content.asText()
                                : content.at("/0/text").asText());
            }
        }
        return out;
    }

    void assertPreviousNotFound(String scope, String id) {
        assertThatThrownBy(() -> state.resolve(
                        body("{\"model\":\"m\",\"previous_response_id\":\"" + id + "\",\"input\":\"x\"}"), scope))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.error().httpStatus()).isEqualTo(400);
                    assertThat(e.error().code()).contains("previous_response_not_found");
                });
    }

    static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A clock the tests move forward; stores measure retention with it. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
