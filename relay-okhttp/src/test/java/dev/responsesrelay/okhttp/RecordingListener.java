package dev.responsesrelay.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/** Records every callback, in the spirit of okhttp-sse's EventSourceRecorder. */
final class RecordingListener extends ResponsesListener {
    final List<SseEvent> events = Collections.synchronizedList(new ArrayList<>());
    final List<String> callbacks = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicInteger closedCount = new AtomicInteger();
    private final ByteArrayOutputStream upstreamBytes = new ByteArrayOutputStream();
    volatile int upstreamStatus = -1;
    volatile @Nullable RelayError upstreamError;
    volatile @Nullable Thread firstEventsThread;
    /** Runs on every onEvents call after recording; may throw or cancel. */
    volatile Consumer<List<SseEvent>> onEventsHook = events -> {};
    /** Runs on every onUpstreamBytes call after recording; may cancel the call. */
    volatile Consumer<RelayCall> onBytesHook = call -> {};

    @Override
    public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
        callbacks.add("upstreamResponse " + status);
        upstreamStatus = status;
    }

    @Override
    public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
        callbacks.add("bytes " + bytes.remaining());
        synchronized (upstreamBytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            upstreamBytes.write(copy, 0, copy.length);
        }
        onBytesHook.accept(call);
    }

    @Override
    public void onEvents(RelayCall call, List<SseEvent> batch) {
        if (firstEventsThread == null) {
            firstEventsThread = Thread.currentThread();
        }
        callbacks.add("events " + batch.size());
        events.addAll(batch);
        onEventsHook.accept(batch);
    }

    @Override
    public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> batch) {
        callbacks.add("upstreamError " + error.httpStatus());
        upstreamError = error;
        events.addAll(batch);
    }

    @Override
    public void onClosed(RelayCall call) {
        callbacks.add("closed");
        closedCount.incrementAndGet();
        closed.countDown();
    }

    void awaitClosed() throws InterruptedException {
        assertThat(closed.await(20, TimeUnit.SECONDS))
                .as("onClosed within 20 s; callbacks so far: %s", callbacks)
                .isTrue();
    }

    List<String> eventTypes() {
        synchronized (events) {
            List<String> types = new ArrayList<>();
            for (SseEvent e : events) {
                types.add(e.event());
            }
            return types;
        }
    }

    String upstreamBytes() {
        synchronized (upstreamBytes) {
            return upstreamBytes.toString(StandardCharsets.UTF_8);
        }
    }

    RelayError requireUpstreamError() {
        RelayError error = upstreamError;
        assertThat(error)
                .as("onUpstreamError was called; callbacks: %s", callbacks)
                .isNotNull();
        if (error == null) {
            throw new AssertionError("unreachable");
        }
        return error;
    }
}
