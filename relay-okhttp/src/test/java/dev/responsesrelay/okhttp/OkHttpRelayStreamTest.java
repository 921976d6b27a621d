package dev.responsesrelay.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OkHttpRelayStreamTest {
    /**
     * Synthetic tool-call chunks, shaped after docs/dialects.md §0 "Tool-call deltas" (OpenAI): the first
     * delta brings index, id, type, name and empty arguments; the next brings a fragment only.
     */
    private static final String TOOL_CALL_START = ""
            + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
            + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"exec_command\",\"arguments\":\"\"}}]},"
            + "\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
            + "\"{\\\"cmd\\\": \\\"rm -rf bu\"}}]},\"finish_reason\":null}]}\n\n";

    /** Synthetic text chunk, shaped after the OpenAI sample openai-stream-basic-gomodel.sse. */
    private static final String TEXT_CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},"
            + "\"finish_reason\":null}]}\n\n";

    @StartStop
    final MockWebServer server = new MockWebServer();

    private final OkHttpClient client = OkHttpRelay.newClientBuilder().build();

    @AfterEach
    void shutDownClient() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }

    private OkHttpRelay relay(Duration idleTimeout) {
        Upstream upstream = Upstream.builder(server.url("/v1").toString())
                .bearerToken("sk-upstream")
                .build();
        return OkHttpRelay.builder(client, upstream)
                .translator(ResponsesTranslator.builder()
                        .idGenerator(IdGenerator.sequential())
                        .build())
                .idleTimeout(idleTimeout)
                .build();
    }

    private static MockResponse eventStream(String body) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    @Test
    void streamsRealOpenAiAnswerToCompletedResponse() throws Exception {
        server.enqueue(eventStream(Samples.openAiPlainStream()));
        OkHttpRelay relay = relay(OkHttpRelay.DEFAULT_IDLE_TIMEOUT);
        Translation translation = relay.translator().translate(Samples.codexPlainRequest());
        RecordingListener listener = new RecordingListener();

        relay.stream(translation, listener);
        listener.awaitClosed();

        assertThat(listener.eventTypes())
                .startsWith("response.created", "response.in_progress")
                .contains("response.output_text.delta")
                .endsWith("response.completed");
        String text = String.join(
                "",
                listener.events.stream()
                        .filter(e -> e.event().equals("response.output_text.delta"))
                        .map(SseEvent::data)
                        .toList());
        assertThat(text).contains("Hello", "World");
        assertThat(listener.upstreamError).isNull();
        assertThat(listener.closedCount).hasValue(1);
        assertThat(listener.upstreamBytes()).isEqualTo(Samples.openAiPlainStream());

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeaders().get("Accept")).isEqualTo("text/event-stream");
        assertThat(request.getHeaders().get("Accept-Encoding")).isEqualTo("identity");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer sk-upstream");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(request.getBody().utf8()).isEqualTo(translation.chatRequestJson());
    }

    @Test
    void startEventsArriveOnCallerThreadBeforeUpstreamAnswers() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(Samples.openAiPlainStream())
                .headersDelay(2, TimeUnit.SECONDS)
                .build());
        OkHttpRelay relay = relay(OkHttpRelay.DEFAULT_IDLE_TIMEOUT);
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);

        // Nothing has come back from the upstream yet (its headers are 2 s away), but the client
        // already has its opening events.
        assertThat(listener.eventTypes()).containsExactly("response.created", "response.in_progress");
        assertThat(listener.firstEventsThread).isSameAs(Thread.currentThread());
        assertThat(listener.upstreamStatus).isEqualTo(-1);
        listener.awaitClosed();
        assertThat(listener.eventTypes()).endsWith("response.completed");
    }

    @Test
    void throttledUpstreamStillStreamsToTheEnd() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(Samples.openAiPlainStream())
                // Throttles the request body too: the Codex request is ~40 KB, so not too slow.
                .throttleBody(256, 5, TimeUnit.MILLISECONDS)
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(5));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.eventTypes()).endsWith("response.completed");
        // Events were delivered piecemeal as bytes trickled in, not in one batch at the end.
        assertThat(listener.callbacks.stream().filter(c -> c.startsWith("events")))
                .hasSizeGreaterThan(3);
    }

    @Test
    void eventsOfOneReadArriveInOneCall() throws Exception {
        // 60 text chunks written at once: each read of the body holds many of them.
        String finish = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
        server.enqueue(eventStream(TEXT_CHUNK.repeat(60) + finish + "data: [DONE]\n\n"));
        OkHttpRelay relay = relay(OkHttpRelay.DEFAULT_IDLE_TIMEOUT);
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.eventTypes()).endsWith("response.completed");
        assertThat(listener.eventTypes().stream().filter(t -> t.equals("response.output_text.delta")))
                .hasSize(60);
        // After the opening call, never two deliveries for one read: each read's events form one
        // batch, so a server writes once per read rather than once per chunk.
        List<String> afterOpening = listener.callbacks.subList(1, listener.callbacks.size());
        String previous = "";
        for (String callback : afterOpening) {
            assertThat(previous.startsWith("events") && callback.startsWith("events"))
                    .as("two event batches for one read in %s", listener.callbacks)
                    .isFalse();
            previous = callback;
        }
        assertThat(afterOpening.stream().filter(c -> c.startsWith("events"))).hasSizeLessThan(10);
    }

    @Test
    void eventPastTheSizeLimitAtEndOfStreamFailsTheResponse() throws Exception {
        // Synthetic: one event of 64 data lines of 1 MiB, the last without a line break, so only
        // the decoder's end-of-stream flush takes it past the 64 MiB limit.
        String mebibyte = "x".repeat(1 << 20);
        String line = "data: " + mebibyte + "\n";
        server.enqueue(eventStream(TEXT_CHUNK + line.repeat(63) + "data: " + mebibyte));
        OkHttpRelay relay = relay(OkHttpRelay.DEFAULT_IDLE_TIMEOUT);
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.eventTypes()).contains("response.output_text.delta").endsWith("response.failed");
        assertThat(listener.events.get(listener.events.size() - 1).data()).contains("too large");
    }

    @Test
    void upstreamThatStallsMidStreamFailsAfterIdleTimeout() throws Exception {
        TrickleBody body = new TrickleBody(TEXT_CHUNK, 1, Duration.ofSeconds(30));
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        OkHttpRelay relay = relay(Duration.ofMillis(500));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();
        body.release();

        assertThat(listener.eventTypes()).contains("response.output_text.delta").endsWith("response.failed");
        SseEvent failed = listener.events.get(listener.events.size() - 1);
        assertThat(failed.data()).contains("idle timeout");
        assertThat(listener.upstreamError).isNull();
    }

    @Test
    void upstreamSilentBeforeHeadersGivesHttpAnswerableError() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(Samples.openAiPlainStream())
                .headersDelay(10, TimeUnit.SECONDS)
                .build());
        OkHttpRelay relay = relay(Duration.ofMillis(300));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        RelayError error = listener.requireUpstreamError();
        assertThat(error.httpStatus()).isGreaterThanOrEqualTo(500);
        assertThat(error.message()).contains("idle timeout");
        assertThat(listener.eventTypes()).endsWith("response.failed");
    }

    @Test
    void disconnectMidToolCallFailsWithoutAnnouncingTheCall() throws Exception {
        // The connection is closed halfway through the body (mockwebserver3's onResponseBody
        // effect), so the client reads a truncated body: a transport failure, not a clean EOF.
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(TOOL_CALL_START + TOOL_CALL_START.replace("call_1", "call_2"))
                .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.eventTypes()).endsWith("response.failed").doesNotContain("response.completed");
        // docs/codex-wire.md §2.1: Codex executes what arrives in output_item.done; a cut-off
        // "rm -rf bu…" must never get there.
        assertThat(listener.events)
                .filteredOn(e -> e.event().equals("response.output_item.done"))
                .noneMatch(e -> e.data().contains("function_call"));
    }

    @Test
    void rateLimitBeforeFirstByteKeepsItsHttpMeaning() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/json")
                .setHeader("Retry-After", "7")
                .body(Samples.data("dialects/openai-error-429-request-too-large.json"))
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        RelayError error = listener.requireUpstreamError();
        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.retryAfterHeader()).contains("7");
        assertThat(listener.eventTypes())
                .containsExactly("response.created", "response.in_progress", "response.failed");
        assertThat(listener.callbacks).containsSubsequence("upstreamResponse 429", "upstreamError 429", "closed");
        assertThat(listener.upstreamBytes()).contains("Request too large");
    }

    @Test
    void badRequestBeforeFirstByteIsHttp400() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .setHeader("Content-Type", "application/json")
                .body(Samples.data("dialects/openai-error-context-length-exceeded.json"))
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        RelayError error = listener.requireUpstreamError();
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.code()).contains("context_length_exceeded");
    }

    @Test
    void unreachableUpstreamGivesHttpAnswerableError() throws Exception {
        Upstream closedPort = Upstream.builder("http://127.0.0.1:1/v1").build();
        OkHttpRelay relay = OkHttpRelay.create(client, closedPort);
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.requireUpstreamError().httpStatus()).isGreaterThanOrEqualTo(500);
        assertThat(listener.upstreamStatus).isEqualTo(-1);
        assertThat(listener.eventTypes()).endsWith("response.failed");
    }

    @Test
    void errorObjectWithHttp200IsReportedLikeAnHttpError() throws Exception {
        // docs/dialects.md §1.14: LM Studio answers an unknown path with HTTP 200 and a JSON error.
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body("{\"error\":\"Unexpected endpoint or method. (POST /chat/completions)\"}")
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.requireUpstreamError().message()).contains("Unexpected endpoint");
        assertThat(listener.eventTypes()).endsWith("response.failed");
    }

    @Test
    void errorAsFirstStreamEventIsReportedLikeAnHttpError() throws Exception {
        // docs/dialects.md §1.16: llama.cpp writes stream errors in an SSE field named "error"; the
        // body is the real llama.cpp context-overflow sample.
        String llamaError =
                Samples.data("dialects/llamacpp-error-exceed-context.json").strip();
        server.enqueue(eventStream("error: " + llamaError.replace("\n", "") + "\n\n"));
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(listener.requireUpstreamError().code()).contains("context_length_exceeded");
        assertThat(listener.eventTypes())
                .containsExactly("response.created", "response.in_progress", "response.failed");
    }

    @Test
    void cancelClosesTheUpstreamConnectionAtOnce() throws Exception {
        TrickleBody body = new TrickleBody(TEXT_CHUNK, 10_000, Duration.ofMillis(50));
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();
        CountDownLatch firstDelta = new CountDownLatch(1);
        listener.onEventsHook = batch -> {
            if (batch.stream().anyMatch(e -> e.event().equals("response.output_text.delta"))) {
                firstDelta.countDown();
            }
        };

        RelayCall call = relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        assertThat(firstDelta.await(10, TimeUnit.SECONDS)).isTrue();
        call.cancel();

        listener.awaitClosed();
        int eventsAtClose = listener.events.size();
        assertThat(call.isCanceled()).isTrue();
        assertThat(body.sawDisconnect.await(2, TimeUnit.SECONDS))
                .as("the upstream saw its connection closed within 2 s")
                .isTrue();
        assertThat(listener.eventTypes()).doesNotContain("response.completed", "response.failed");
        assertThat(listener.events).hasSize(eventsAtClose);
        assertThat(listener.closedCount).hasValue(1);
    }

    @Test
    void noEventsAfterCancelReturnsEvenForBytesAlreadyRead() throws Exception {
        // Issue 13 §6: the read loop checked for cancellation only right after each read, so the
        // events of bytes read before cancel() still went out after it returned.
        TrickleBody body = new TrickleBody(TEXT_CHUNK, 10_000, Duration.ofMillis(50));
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();
        List<String> callbacksAtCancel = new java.util.ArrayList<>();
        listener.onBytesHook = call -> {
            if (!call.isCanceled()) {
                call.cancel();
                callbacksAtCancel.addAll(listener.callbacks);
            }
        };

        relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(callbacksAtCancel).isNotEmpty();
        assertThat(listener.callbacks.subList(callbacksAtCancel.size(), listener.callbacks.size()))
                .as("callbacks after cancel() returned; all: %s", listener.callbacks)
                .containsExactly("closed");
    }

    @Test
    void listenerThatThrowsCancelsTheUpstream() throws Exception {
        TrickleBody body = new TrickleBody(TEXT_CHUNK, 10_000, Duration.ofMillis(50));
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        OkHttpRelay relay = relay(Duration.ofSeconds(10));
        RecordingListener listener = new RecordingListener();
        listener.onEventsHook = batch -> {
            if (batch.stream().anyMatch(e -> e.event().equals("response.output_text.delta"))) {
                throw new IllegalStateException("synthetic: the client went away");
            }
        };

        RelayCall call = relay.stream(relay.translator().translate(Samples.codexPlainRequest()), listener);
        listener.awaitClosed();

        assertThat(call.isCanceled()).isTrue();
        assertThat(body.sawDisconnect.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(listener.closedCount).hasValue(1);
    }

    /**
     * An upstream body written a piece at a time: {@code chunk} {@code count} times, {@code pause}
     * apart (a pause that {@link #release()} cuts short ends the body). Notes when a write fails because the client closed the connection.
     */
    static final class TrickleBody implements MockResponseBody {
        final CountDownLatch sawDisconnect = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final String chunk;
        private final int count;
        private final Duration pause;

        TrickleBody(String chunk, int count, Duration pause) {
            this.chunk = chunk;
            this.count = count;
            this.pause = pause;
        }

        /** Ends a pause early, so a stalled writer does not outlive its test. */
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
                for (int i = 0; i < count; i++) {
                    sink.write(chunk.getBytes(StandardCharsets.UTF_8));
                    sink.flush();
                    if (released.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
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
