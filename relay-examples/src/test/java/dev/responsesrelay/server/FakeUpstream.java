package dev.responsesrelay.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * A Chat Completions upstream for server tests, on mockwebserver3: answers {@code GET /v1/models}
 * with a fixed list and {@code POST /v1/chat/completions} with scripted answers (by default the
 * real OpenAI plain-text stream, or its non-streamed counterpart when the request did not ask to
 * stream), and records the chat requests it got.
 */
final class FakeUpstream implements AutoCloseable {
    /**
     * Synthetic model list in OpenAI's list shape: {@code relay-test-model}, and {@code
     * my-custom-model}, the model the real Codex captures ask for ({@link Samples#codexPlainRequest()}),
     * so that the relay, which refuses models its upstream does not list (issue 13 §0), serves them.
     */
    static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"relay-test-model\",\"object\":\"model\","
            + "\"created\":0,\"owned_by\":\"test\"},{\"id\":\"my-custom-model\",\"object\":\"model\","
            + "\"created\":0,\"owned_by\":\"test\"}]}";

    private static final ObjectMapper JSON = new ObjectMapper();

    final MockWebServer server = new MockWebServer();
    final List<RecordedRequest> chatRequests = Collections.synchronizedList(new ArrayList<>());
    final BlockingQueue<MockResponse> scripted = new LinkedBlockingQueue<>();
    volatile @Nullable Function<RecordedRequest, MockResponse> handler;
    /** The answer to {@code GET /v1/models} instead of {@link #MODELS}, for example an error. */
    volatile @Nullable MockResponse modelsAnswer;

    FakeUpstream() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                MockResponse models = modelsAnswer;
                if (path.equals("/v1/models") && models != null) {
                    return models;
                }
                if (path.equals("/v1/models")) {
                    return new MockResponse.Builder()
                            .setHeader("Content-Type", "application/json")
                            .body(MODELS)
                            .build();
                }
                if (!path.equals("/v1/chat/completions")) {
                    return new MockResponse.Builder().code(404).build();
                }
                chatRequests.add(request);
                Function<RecordedRequest, MockResponse> custom = handler;
                if (custom != null) {
                    return custom.apply(request);
                }
                MockResponse next = scripted.poll();
                return next != null ? next : defaultAnswer(request);
            }
        });
        server.start();
    }

    String baseUrl() {
        return server.url("/v1").toString();
    }

    void enqueue(MockResponse response) {
        scripted.add(response);
    }

    static MockResponse eventStream(String body) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    static MockResponse jsonError(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    private static MockResponse defaultAnswer(RecordedRequest request) {
        boolean streams;
        try {
            streams = JSON.readTree(request.getBody().utf8()).path("stream").asBoolean(false);
        } catch (IOException e) {
            streams = true;
        }
        return streams
                ? eventStream(Samples.openAiPlainStream())
                : new MockResponse.Builder()
                        .setHeader("Content-Type", "application/json")
                        .body(Samples.openAiToolCallCompletion())
                        .build();
    }

    @Override
    public void close() {
        server.close();
    }

    /**
     * A streamed upstream body that keeps going: {@code first} once, then {@code repeat} every
     * {@code pause} until the client disconnects (noted in {@link #sawDisconnect}) or {@link
     * #release()}. With an SSE comment as {@code repeat} the upstream looks silent to the client
     * while still noticing a disconnect itself.
     */
    static final class EndlessBody implements MockResponseBody {
        final CountDownLatch sawDisconnect = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final String first;
        private final String repeat;
        private final Duration pause;

        EndlessBody(String first, String repeat, Duration pause) {
            this.first = first;
            this.repeat = repeat;
            this.pause = pause;
        }

        void release() {
            released.countDown();
        }

        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            try {
                sink.write(first.getBytes(StandardCharsets.UTF_8));
                sink.flush();
                while (!released.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    sink.write(repeat.getBytes(StandardCharsets.UTF_8));
                    sink.flush();
                }
            } catch (IOException e) {
                sawDisconnect.countDown();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
