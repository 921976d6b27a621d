package dev.responsesrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.state.ConversationState;
import dev.responsesrelay.state.InMemoryResponseStore;
import dev.responsesrelay.state.ResolvedRequest;
import dev.responsesrelay.state.ResponseStore;
import dev.responsesrelay.store.JdbcResponseStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's benchmark: the time the resolve and record steps add per request, on the in-memory,
 * SQLite and PostgreSQL stores, and the bytes stored per turn. Not a test (it asserts nothing and
 * only prints); run it with
 *
 * <pre>./mvnw -B -q -pl relay-examples -am test -Dtest=StateStoreBenchmark -Drelay.bench=state \
 *   -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Requests: the real 46 KB Codex 0.169 request ({@link BenchRequests#codexRequest()}) with {@code
 * store} switched to true (Codex itself sends false, which skips recording), and a 50-turn chain of
 * short turns continued with {@code previous_response_id}. Each Response object is the translator's
 * own, from a synthetic two-chunk Chat stream in the Chat Completions chunk shape.
 */
@EnabledIfSystemProperty(named = "relay.bench", matches = "state")
class StateStoreBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARMUP = 300;
    private static final int MEASURED = 2000;
    private static final String SCOPE = "sha256:bench";
    private static final String CHAT_STREAM_CHUNK = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]}";

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            List<String> rows = new ArrayList<>();
            rows.add("| store | request | resolve + record p50 | p99 | resolve only p50 | bytes stored per turn |");
            rows.add("|---|---|---|---|---|---|");
            String pg = postgres.getJdbcUrl("postgres", "postgres");
            run(
                    rows,
                    "memory",
                    () -> new InMemoryResponseStore(1_000_000, 8L << 30, Duration.ofDays(30), Clock.systemUTC()));
            run(
                    rows,
                    "SQLite",
                    () -> JdbcResponseStore.sqlite(
                            dir.resolve("bench-" + System.nanoTime() + ".db"), Duration.ofDays(30), Clock.systemUTC()));
            run(
                    rows,
                    "PostgreSQL",
                    () -> JdbcResponseStore.postgresql(pg, null, null, Duration.ofDays(30), Clock.systemUTC()));
            System.out.println("StateStoreBenchmark (" + Runtime.getRuntime().availableProcessors() + " cores, JDK "
                    + System.getProperty("java.version") + ", " + MEASURED + " measured requests each)");
            rows.forEach(System.out::println);
        }
    }

    private void run(List<String> rows, String name, Supplier<ResponseStore> stores) throws Exception {
        ResponsesTranslator translator = ResponsesTranslator.create();

        // 1. The 46 KB Codex request, stored: each request starts a new chain.
        ObjectNode codex = (ObjectNode) JSON.readTree(BenchRequests.codexRequest());
        codex.put("store", true);
        byte[] codexStored = JSON.writeValueAsBytes(codex);
        ResponseStore store = stores.get();
        try {
            ConversationState state = ConversationState.builder(store).build();
            long[] both = new long[MEASURED];
            long[] resolveOnly = new long[MEASURED];
            long bytes = 0;
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                long start = System.nanoTime();
                ResolvedRequest resolved = state.resolve(codexStored, SCOPE);
                long resolvedAt = System.nanoTime();
                // The answer is produced outside the measurement, as the upstream would.
                String response = completedResponse(translator, resolved.body(), "answer " + i);
                long recordStart = System.nanoTime();
                state.record(resolved, response);
                long end = System.nanoTime();
                if (i >= WARMUP) {
                    both[i - WARMUP] = (resolvedAt - start) + (end - recordStart);
                    resolveOnly[i - WARMUP] = resolvedAt - start;
                }
                if (i == WARMUP) {
                    String id = JSON.readTree(response).at("/response/id").asText();
                    bytes = store.get(SCOPE, id).orElseThrow().approximateBytes();
                }
            }
            rows.add(row(name, "Codex 46 KB, store:true", both, resolveOnly, bytes));
        } finally {
            close(store);
        }

        // 2. A 50-turn chain: the measured request is turn 51, continuing turn 50.
        store = stores.get();
        try {
            ConversationState state = ConversationState.builder(store).build();
            String previous = null;
            long chainBytes = 0;
            for (int turn = 1; turn <= 50; turn++) {
                ResolvedRequest resolved = state.resolve(turnRequest(previous, "question " + turn), SCOPE);
                String response = completedResponse(translator, resolved.body(), "answer to question " + turn);
                state.record(resolved, response);
                previous = JSON.readTree(response).at("/response/id").asText();
                chainBytes += store.get(SCOPE, previous).orElseThrow().approximateBytes();
            }
            byte[] turn51 = turnRequest(previous, "question 51");
            String response =
                    completedResponse(translator, state.resolve(turn51, SCOPE).body(), "answer 51");
            long[] both = new long[MEASURED];
            long[] resolveOnly = new long[MEASURED];
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                long start = System.nanoTime();
                ResolvedRequest resolved = state.resolve(turn51, SCOPE);
                long resolvedAt = System.nanoTime();
                // A new id each time, so each record is an insert as in real use.
                String fresh = response.replaceFirst("\"id\":\"resp_[0-9a-f]+\"", "\"id\":\"resp_bench" + i + "\"");
                long recordStart = System.nanoTime();
                state.record(resolved, fresh);
                long end = System.nanoTime();
                if (i >= WARMUP) {
                    both[i - WARMUP] = (resolvedAt - start) + (end - recordStart);
                    resolveOnly[i - WARMUP] = resolvedAt - start;
                }
            }
            rows.add(row(name, "turn 51 of a 50-turn chain", both, resolveOnly, chainBytes / 50));
        } finally {
            close(store);
        }
        if (name.equals("SQLite")) {
            try (var files = Files.list(dir)) {
                long onDisk = files.mapToLong(f -> f.toFile().length()).sum();
                rows.add(
                        "| SQLite files on disk after both runs: " + onDisk / 1024 + " KiB (WAL included) | | | | | |");
            }
        }
    }

    private static byte[] turnRequest(@Nullable String previous, String question) {
        String body = "{\"model\":\"bench-model\",\"stream\":true,"
                + (previous == null ? "" : "\"previous_response_id\":\"" + previous + "\",")
                + "\"input\":\"" + question + "\"}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** The response.completed event's data the translator writes for a two-chunk answer. */
    private static String completedResponse(ResponsesTranslator translator, byte[] request, String text) {
        Translation t = translator.translate(request);
        ResponsesStream stream = t.newStream();
        List<SseEvent> events = new ArrayList<>(stream.start());
        events.addAll(stream.onData(String.format(Locale.ROOT, CHAT_STREAM_CHUNK, text, "null")));
        events.addAll(stream.onData(String.format(Locale.ROOT, CHAT_STREAM_CHUNK, "", "\"stop\"")));
        events.addAll(stream.onData("[DONE]"));
        events.addAll(stream.onEnd());
        for (SseEvent event : events) {
            if (event.event().equals("response.completed")) {
                return event.data();
            }
        }
        throw new IllegalStateException("no response.completed");
    }

    private static String row(String store, String request, long[] both, long[] resolveOnly, long bytes) {
        return "| " + store + " | " + request + " | " + micros(both, 50) + " | " + micros(both, 99) + " | "
                + micros(resolveOnly, 50) + " | " + bytes + " |";
    }

    private static String micros(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long value = sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
        return String.format(Locale.ROOT, "%.0f µs", value / 1000.0);
    }

    private static void close(ResponseStore store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
