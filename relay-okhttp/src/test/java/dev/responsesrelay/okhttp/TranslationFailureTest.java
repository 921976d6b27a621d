package dev.responsesrelay.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.okhttp.internal.StreamingExchange;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: when translating the answer throws instead of returning (an {@link OutOfMemoryError}
 * while the terminal events of a long answer are written), the client still gets a terminal event:
 * a stream ended on a delta looks to a client like a cut connection, not a failed answer. The
 * throw is injected by a stream that wraps the real one; the upstream stream is synthetic text
 * chunks shaped after the OpenAI sample openai-stream-basic-gomodel.sse.
 */
class TranslationFailureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEXT_CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},"
            + "\"finish_reason\":null}]}\n\n";
    private static final String FINISH = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

    @StartStop
    final MockWebServer server = new MockWebServer();

    private final OkHttpClient client = OkHttpRelay.newClientBuilder().build();

    @AfterEach
    void shutDownClient() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }

    @Test
    void outOfMemoryAfterDeltasEndsInASmallResponseFailed() throws Exception {
        RecordingListener listener = run(3, () -> new OutOfMemoryError("synthetic"));

        List<String> types = listener.eventTypes();
        assertThat(types).contains("response.output_text.delta").endsWith("response.failed");
        assertThat(types.stream().filter(t -> t.equals("response.failed"))).hasSize(1);
        JsonNode failed = JSON.readTree(last(listener).data());
        assertThat(failed.path("response").path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("response").path("error").path("code").asText()).isEqualTo("server_overloaded");
        assertThat(failed.path("response").path("output")).isEmpty();
        assertSequenceNumbersHaveNoGap(listener);
        assertThat(listener.upstreamError).isNull();
        assertThat(listener.closedCount).hasValue(1);
    }

    @Test
    void outOfMemoryOnTheFirstChunkIsAnHttpStyleRetryableError() throws Exception {
        RecordingListener listener = run(1, () -> new OutOfMemoryError("synthetic"));

        RelayError error = listener.upstreamError;
        assertThat(error).isNotNull();
        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.retryAfter()).isPresent();
        assertThat(listener.eventTypes()).endsWith("response.failed");
        assertThat(listener.closedCount).hasValue(1);
    }

    @Test
    void aBugInTheTranslationIsAServerErrorNamingIt() throws Exception {
        RecordingListener listener = run(3, () -> new IllegalStateException("synthetic bug"));

        assertThat(listener.eventTypes()).endsWith("response.failed");
        JsonNode failed = JSON.readTree(last(listener).data());
        assertThat(failed.path("response").path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(failed.path("response").path("error").path("message").asText())
                .contains("synthetic bug");
        assertSequenceNumbersHaveNoGap(listener);
    }

    /**
     * Streams five text chunks and a finish through a stream whose {@code throwOnEvent}-th upstream
     * event throws what {@code failure} makes.
     */
    private RecordingListener run(int throwOnEvent, Supplier<Throwable> failure) throws Exception {
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(TEXT_CHUNK.repeat(5) + FINISH)
                .build());
        Translation translation = ResponsesTranslator.builder()
                .idGenerator(IdGenerator.sequential())
                .build()
                .translate(Samples.codexPlainRequest());
        RecordingListener listener = new RecordingListener();
        ResponsesStream stream = new ThrowingStream(translation.newStream(), throwOnEvent, failure);
        StreamingExchange exchange = new StreamingExchange(
                client.newCall(new Request.Builder()
                        .url(server.url("/v1/chat/completions"))
                        .build()),
                translation,
                stream,
                listener,
                OkHttpRelay.DEFAULT_IDLE_TIMEOUT);
        exchange.startAsync();
        listener.awaitClosed();
        return listener;
    }

    private static SseEvent last(RecordingListener listener) {
        return listener.events.get(listener.events.size() - 1);
    }

    private static void assertSequenceNumbersHaveNoGap(RecordingListener listener) throws Exception {
        int expected = 0;
        for (SseEvent event : listener.events) {
            assertThat(JSON.readTree(event.data()).path("sequence_number").asInt())
                    .as("sequence_number of %s", event.event())
                    .isEqualTo(expected++);
        }
    }

    /** The real stream, except that one upstream event throws instead of being translated. */
    private static final class ThrowingStream implements ResponsesStream {
        private final ResponsesStream delegate;
        private final int throwOnEvent;
        private final Supplier<Throwable> failure;
        private int seen;

        ThrowingStream(ResponsesStream delegate, int throwOnEvent, Supplier<Throwable> failure) {
            this.delegate = delegate;
            this.throwOnEvent = throwOnEvent;
            this.failure = failure;
        }

        @Override
        public List<SseEvent> onEvent(SseEvent upstreamEvent) {
            if (++seen == throwOnEvent) {
                // Before the real stream takes the event: a throw from inside it leaves its events
                // undrained, and abort() numbers on from the last event returned, as here.
                throwUnchecked(failure.get());
            }
            return delegate.onEvent(upstreamEvent);
        }

        private static void throwUnchecked(Throwable t) {
            if (t instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) t;
        }

        @Override
        public List<SseEvent> start() {
            return delegate.start();
        }

        @Override
        public List<SseEvent> onData(String data) {
            return delegate.onData(data);
        }

        @Override
        public List<SseEvent> onEnd() {
            return delegate.onEnd();
        }

        @Override
        public List<SseEvent> onFailure(UpstreamFailure upstreamFailure) {
            return delegate.onFailure(upstreamFailure);
        }

        @Override
        public List<SseEvent> abort(RelayError error) {
            return delegate.abort(error);
        }

        @Override
        public List<SseEvent> onIdle() {
            return delegate.onIdle();
        }

        @Override
        public boolean hasStarted() {
            return delegate.hasStarted();
        }

        @Override
        public boolean isTerminal() {
            return delegate.isTerminal();
        }

        @Override
        public Optional<String> responseJson() {
            return delegate.responseJson();
        }

        @Override
        public Optional<RelayError> error() {
            return delegate.error();
        }
    }
}
