package dev.responsesrelay.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponsesHttpUpstreamTest {
    /**
     * Synthetic, shaped after the Responses streaming events of docs/codex-wire.md §2 (type in both the
     * event name and the data); small enough to arrive in one read on loopback.
     */
    private static final String STREAM = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1"}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":1,"delta":"Hi"}

            event: response.completed
            data: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1"}}

            """;

    private final MockWebServer server = new MockWebServer();
    private final OkHttpClient client = new OkHttpClient();

    @AfterEach
    void close() throws Exception {
        server.close();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Test
    void theEventsOfOneReadArriveInOneCallAfterTheirBytes() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(STREAM)
                .build());
        server.start();
        ResponsesHttpUpstream upstream =
                new ResponsesHttpUpstream(client, server.url("/v1").toString(), "sk-synthetic");
        CollectingListener listener = new CollectingListener();

        upstream.start("{\"model\":\"m\",\"stream\":true}", null, listener);

        assertThat(listener.ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(listener.status).isEqualTo(200);
        assertThat(listener.bytes.toString(StandardCharsets.UTF_8)).isEqualTo(STREAM);
        assertThat(listener.batches.stream().flatMap(List::stream).map(SseEvent::event))
                .containsExactly("response.created", "response.output_text.delta", "response.completed");
        // Before, each event came in its own onEvent call, and the Chat answer wrote once per event.
        assertThat(listener.batches).anySatisfy(batch -> assertThat(batch).hasSizeGreaterThan(1));
        assertThat(listener.singleEvents).isZero();
    }

    /** Records what ResponsesHttpUpstream hands over; read after {@code ended}, which orders the writes. */
    private static final class CollectingListener implements ChatUpstream.Listener {
        final List<List<SseEvent>> batches = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);
        int status;
        int singleEvents;

        @Override
        public void onUpstreamResponse(int status, Headers headers) {
            this.status = status;
        }

        @Override
        public void onUpstreamBytes(ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            bytes.writeBytes(copy);
        }

        @Override
        public void onEvents(List<SseEvent> events) {
            batches.add(List.copyOf(events));
        }

        @Override
        public void onEvent(SseEvent event) {
            singleEvents++;
        }

        @Override
        public void onEnd() {
            ended.countDown();
        }

        @Override
        public void onResponse(String responseJson) {
            ended.countDown();
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            ended.countDown();
        }
    }
}
