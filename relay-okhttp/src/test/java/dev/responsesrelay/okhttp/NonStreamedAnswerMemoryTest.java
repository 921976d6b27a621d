package dev.responsesrelay.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a non-streamed answer is read once, into one array, translated from its bytes, and
 * admitted before it is held ({@link UpstreamTap#admitAnswer}): refused, the client gets a 503 it
 * can retry, and the answer is not read. Upstream answers are synthetic {@code chat.completion}
 * bodies in OpenAI's shape (docs/dialects.md §0), served by MockWebServer.
 *
 * <p>The heap figures behind the charge ({@code CompletionExchange.TRANSLATION_HEAP_PER_CHAR})
 * come from {@link AnswerHeapMeasurement}, which finds the smallest heap a JVM needs to relay one
 * answer.
 */
class NonStreamedAnswerMemoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = "{\"model\":\"m\",\"stream\":false,\"input\":\"go\"}";

    @StartStop
    final MockWebServer server = new MockWebServer();

    private final OkHttpClient client = OkHttpRelay.newClientBuilder().build();

    @AfterEach
    void shutDownClient() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }

    private OkHttpRelay relay(long maxOutputChars) {
        Upstream upstream = Upstream.builder(server.url("/v1").toString()).build();
        return OkHttpRelay.builder(client, upstream)
                .translator(ResponsesTranslator.builder()
                        .provider(upstream.provider())
                        .maxOutputChars(maxOutputChars)
                        .build())
                .build();
    }

    static String completion(String content) {
        return "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content
                + "\"},\"finish_reason\":\"stop\"}]}";
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    private static MockResponse chunkedJson(String body) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .chunkedBody(body, 8 * 1024)
                .build();
    }

    /** Records what the exchange asked and showed, in order; admits while {@code admitted} calls last. */
    private static final class Tap implements UpstreamTap {
        final List<String> calls = new ArrayList<>();
        final List<Long> asked = new ArrayList<>();
        long bytesSeen;
        int admitted;

        Tap(int admitted) {
            this.admitted = admitted;
        }

        @Override
        public void onUpstreamBytes(ByteBuffer bytes) {
            if (calls.isEmpty() || !calls.get(calls.size() - 1).equals("bytes")) {
                calls.add("bytes");
            }
            bytesSeen += bytes.remaining();
        }

        @Override
        public boolean admitAnswer(long heapBytes) {
            calls.add("admit");
            asked.add(heapBytes);
            return admitted-- > 0;
        }

        long totalAsked() {
            return asked.stream().mapToLong(Long::longValue).sum();
        }
    }

    private static RelayResponse respond(OkHttpRelay relay, Tap tap) throws Exception {
        Translation translation = relay.translator().translate(REQUEST);
        CompletableFuture<RelayResponse> answer = new CompletableFuture<>();
        relay.respond(translation, tap, answer::complete);
        return answer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anAnnouncedAnswerIsAdmittedOnceBeforeAnyOfItIsRead() throws Exception {
        String body = completion("loop ".repeat(20_000));
        server.enqueue(json(body));
        Tap tap = new Tap(Integer.MAX_VALUE);

        RelayResponse response = respond(relay(1_000_000), tap);

        assertThat(response.httpStatus()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("completed");
        assertThat(tap.calls).containsExactly("admit", "bytes");
        // Its bytes, and the translation's copies of its text (all of it: within the bound).
        long bytes = body.getBytes(StandardCharsets.UTF_8).length;
        assertThat(tap.asked).containsExactly(bytes * 10);
    }

    @Test
    void anUnannouncedAnswerIsAdmittedAsItsBufferGrows() throws Exception {
        String body = completion("loop ".repeat(60_000)); // 300 KB: the 64 KiB buffer doubles thrice
        server.enqueue(chunkedJson(body));
        Tap tap = new Tap(Integer.MAX_VALUE);

        RelayResponse response = respond(relay(1_000_000), tap);

        assertThat(response.httpStatus()).as(response.body()).isEqualTo(200);
        assertThat(tap.asked).hasSize(4);
        assertThat(tap.calls.get(0)).isEqualTo("admit");
        long bytes = body.getBytes(StandardCharsets.UTF_8).length;
        assertThat(tap.totalAsked()).isBetween(bytes * 10, 2 * bytes * 10);
    }

    @Test
    void aRefusedAnswerIsA503WithRetryAfterAndIsNotRead() throws Exception {
        server.enqueue(json(completion("loop ".repeat(20_000))));
        Tap tap = new Tap(0);

        RelayResponse response = respond(relay(1_000_000), tap);

        assertThat(response.httpStatus()).isEqualTo(503);
        assertThat(response.headers()).containsEntry("Retry-After", "1");
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("server_overloaded");
        assertThat(error.path("message").asText()).contains("memory budget");
        assertThat(tap.bytesSeen).isZero();
    }

    @Test
    void anAnswerRefusedWhileItGrowsStopsBeingRead() throws Exception {
        String body = completion("loop ".repeat(200_000)); // 1 MB, sent in 8 KiB chunks
        server.enqueue(chunkedJson(body));
        Tap tap = new Tap(1); // the first 64 KiB, then no more

        RelayResponse response = respond(relay(1_000_000), tap);

        assertThat(response.httpStatus()).isEqualTo(503);
        assertThat(response.headers()).containsKey("Retry-After");
        assertThat(tap.bytesSeen).isLessThanOrEqualTo(64 * 1024);
    }

    /**
     * The charge of a runaway answer stops growing at the output bound: past it the text is cut, and
     * translating it holds no more. Here a bound of 1,000 chars (so at most 1 MiB + 3,000 bytes are
     * read) and an answer of 900 KB.
     */
    @Test
    void aRunawayAnswerIsChargedForItsBytesAndTheBoundOnly() throws Exception {
        String body = completion("loop ".repeat(180_000));
        server.enqueue(json(body));
        Tap tap = new Tap(Integer.MAX_VALUE);
        OkHttpRelay relay = relay(1_000);

        RelayResponse response = respond(relay, tap);

        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("incomplete");
        long bytes = body.getBytes(StandardCharsets.UTF_8).length;
        long keptChars = relay.translator().translate(REQUEST).maxCompletionBytes() / 3;
        assertThat(tap.asked).containsExactly(bytes + 9 * keptChars);
    }

    /**
     * A runaway answer is read once and its text decoded only up to the output bound: relaying one of
     * 1 MB with a bound of 1,000 chars allocates about its size twice (OkHttp's buffer and the one
     * array it is read into), where reading it as text and decoding it whole allocated more than
     * ten times its size. Counted with the JVM's per-thread allocation counter: {@code execute} runs
     * the exchange on this thread. Bytes, not time.
     */
    @Test
    void aRunawayAnswerIsNotCopiedWhole() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String body = completion("loop ".repeat(200_000));
        long bytes = body.getBytes(StandardCharsets.UTF_8).length;
        OkHttpRelay relay = relay(1_000);
        server.enqueue(json(completion("warm up")));
        relay.execute(relay.translator().translate(REQUEST)); // classes loaded, connection pooled
        server.enqueue(json(body));
        Translation translation = relay.translator().translate(REQUEST);

        long before = threads.getCurrentThreadAllocatedBytes();
        RelayResponse response = relay.execute(translation);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("incomplete");
        assertThat(allocated).as("bytes allocated for a %d-byte answer", bytes).isLessThan(4 * bytes);
    }

    /**
     * A JSON body to a streaming request ends well only if it is an error object, so it is read only
     * as far as an error body is (1 MiB); a larger one fails the response unread.
     */
    @Test
    void aLargeJsonBodyToAStreamingRequestFailsWithoutBeingReadWhole() throws Exception {
        server.enqueue(json(completion("loop ".repeat(400_000)))); // 2 MB
        OkHttpRelay relay = relay(1_000_000);
        Translation translation = relay.translator().translate("{\"model\":\"m\",\"stream\":true,\"input\":\"go\"}");
        List<SseEvent> events = new ArrayList<>();
        long[] bytesSeen = new long[1];
        CompletableFuture<Void> closed = new CompletableFuture<>();

        relay.stream(translation, new ResponsesListener() {
            @Override
            public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
                bytesSeen[0] += bytes.remaining();
            }

            @Override
            public void onEvents(RelayCall call, List<SseEvent> batch) {
                events.addAll(batch);
            }

            @Override
            public void onClosed(RelayCall call) {
                closed.complete(null);
            }
        });
        closed.get(30, TimeUnit.SECONDS);

        assertThat(bytesSeen[0]).isLessThanOrEqualTo(1024 * 1024);
        SseEvent last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("response.failed");
        assertThat(last.data()).contains("JSON body of more than");
    }
}
