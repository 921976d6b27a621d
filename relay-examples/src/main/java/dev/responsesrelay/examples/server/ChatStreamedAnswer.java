package dev.responsesrelay.examples.server;

import dev.responsesrelay.ChatCompletionStream;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Writes one streamed Chat Completions answer: the upstream's Responses events go through a {@link
 * ChatCompletionStream}, and each chunk it returns is written as {@code data: …} and flushed.
 *
 * <p>The HTTP status follows the forward direction's rule ({@link StreamedAnswer}): nothing is sent
 * until the translator emits its first chunk or the first-byte window closes, so an upstream that
 * refuses the request at once (400, 429 with {@code Retry-After}) is answered with that status and
 * the OpenAI error body. After the window, HTTP 200 is committed with the opening chunk ({@link
 * ChatCompletionStream#start()}), keep-alive comments fill the silence, and a later failure is the
 * error payload the translator emits (no {@code [DONE]}), which the OpenAI SDKs raise.
 *
 * <p>A failed write (the client hung up) cancels the upstream exchange at once; keep-alives are the
 * probe while the upstream is silent, written in two halves as in {@link StreamedAnswer}.
 */
final class ChatStreamedAnswer implements ChatUpstream.Listener {
    private static final Logger LOG = Logger.getLogger(ChatStreamedAnswer.class.getName());
    private static final byte[] KEEP_ALIVE_LINE = ": keep-alive\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE_END = "\n".getBytes(StandardCharsets.UTF_8);
    private static final Duration PROBE_DELAY = Duration.ofMillis(200);

    private enum State {
        HOLDING,
        STREAMING,
        DONE
    }

    private final Response response;
    private final Callback callback;
    private final ChatCompletionStream stream;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration keepAlive;
    private final Runnable onFinished;
    private final ReentrantLock lock = new ReentrantLock();

    private State state = State.HOLDING;
    private long lastWriteNanos = System.nanoTime();
    private boolean probePending;
    private @Nullable Throwable writeFailure;
    private @Nullable ScheduledFuture<?> commitTimer;
    private @Nullable ScheduledFuture<?> keepAliveTimer;
    private volatile ChatUpstream.@Nullable Exchange exchange;
    private volatile boolean cancelled;

    ChatStreamedAnswer(
            Request request,
            Response response,
            Callback callback,
            ChatCompletionStream stream,
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration keepAlive,
            Runnable onFinished) {
        this.response = response;
        this.callback = callback;
        this.stream = stream;
        this.scheduler = scheduler;
        this.executor = executor;
        this.keepAlive = keepAlive;
        this.onFinished = onFinished;
        request.addFailureListener(failure -> cancel("client connection failed: " + failure));
    }

    /** Called once the upstream exchange runs: starts the first-byte window. */
    void begin(ChatUpstream.Exchange upstream, Duration firstByteWindow) {
        this.exchange = upstream;
        if (cancelled) {
            upstream.cancel();
        }
        lock.lock();
        try {
            if (state == State.HOLDING) {
                commitTimer = schedule(this::commitIfStillHolding, firstByteWindow);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the upstream exchange and ends the answer as it stands. */
    void cancel(String why) {
        cancelled = true;
        ChatUpstream.Exchange running = exchange;
        if (running != null) {
            LOG.fine(() -> "cancelling the upstream exchange: " + why);
            running.cancel();
        }
        lock.lock();
        try {
            if (state != State.DONE) {
                // No more listener calls will come: end the answer as a failure the client can see
                // (an HTTP error before the first chunk, the error payload after it), never as a
                // stream that merely stops.
                deliverLocked(stream.onFailure(UpstreamFailure.transport(why)));
            }
            if (state != State.DONE) {
                finishLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onEvent(SseEvent event) {
        lock.lock();
        try {
            if (state != State.DONE) {
                deliverLocked(stream.onEvent(event));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onEnd() {
        lock.lock();
        try {
            if (state != State.DONE) {
                deliverLocked(stream.onEnd());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onResponse(String responseJson) {
        // A 200 with a JSON body to a streamed request: not a stream. Fail closed.
        onFailure(
                UpstreamFailure.transport(
                        "the upstream answered a streamed request with a non-stream body (Content-Type is not text/event-stream)"));
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        lock.lock();
        try {
            if (state != State.DONE) {
                deliverLocked(stream.onFailure(failure));
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliverLocked(List<String> payloads) {
        Optional<RelayError> error = stream.error();
        if (state == State.HOLDING && !stream.hasStarted() && stream.isTerminal() && error.isPresent()) {
            // Nothing sent yet: the failure keeps its HTTP status, body and Retry-After.
            cancelTimersLocked();
            state = State.DONE;
            Answers.error(response, callback, error.get());
            onFinished.run();
            return;
        }
        if (!payloads.isEmpty() && state != State.DONE) {
            if (state == State.HOLDING) {
                commitLocked();
            }
            writePayloadsLocked(payloads);
        }
        if (stream.isTerminal()) {
            finishLocked();
        }
    }

    private void commitIfStillHolding() {
        if (!lock.tryLock()) {
            ScheduledFuture<?> unused = schedule(this::commitIfStillHolding, Duration.ofMillis(20));
            return;
        }
        try {
            if (state == State.HOLDING) {
                // The client gets its opening chunk now, however long the model thinks.
                List<String> opening = stream.start();
                commitLocked();
                writePayloadsLocked(opening);
            }
        } finally {
            lock.unlock();
        }
    }

    private void commitLocked() {
        state = State.STREAMING;
        cancelTimersLocked();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Accel-Buffering", "no");
        try {
            keepAliveTimer = scheduler.scheduleWithFixedDelay(
                    () -> submit(this::keepAliveTick), keepAlive.toNanos(), keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.fine("no keep-alives: the server is stopping");
        }
    }

    private void writePayloadsLocked(List<String> payloads) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * Math.max(1, payloads.size()));
        for (String payload : payloads) {
            byte[] encoded = SseEncoder.encodeData(payload).getBytes(StandardCharsets.UTF_8);
            bytes.write(encoded, 0, encoded.length);
        }
        writeLocked(bytes.toByteArray());
    }

    private void keepAliveTick() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (state != State.STREAMING
                    || writeFailure != null
                    || System.nanoTime() - lastWriteNanos < keepAlive.toNanos() / 2) {
                return;
            }
            writeLocked(KEEP_ALIVE_LINE);
            if (writeFailure == null) {
                probePending = true;
                ScheduledFuture<?> unused = schedule(this::finishKeepAlive, PROBE_DELAY);
            }
        } finally {
            lock.unlock();
        }
    }

    private void finishKeepAlive() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (probePending && state == State.STREAMING) {
                writeLocked(KEEP_ALIVE_END);
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeLocked(byte[] bytes) {
        if (writeFailure != null) {
            return;
        }
        probePending = false;
        try {
            Content.Sink.write(response, false, ByteBuffer.wrap(bytes));
            lastWriteNanos = System.nanoTime();
        } catch (Throwable e) {
            // The client went away: stop the upstream at once (a provider bills every token, and a
            // Codex run keeps working).
            writeFailure = e;
            ChatUpstream.Exchange running = exchange;
            cancelled = true;
            if (running != null) {
                running.cancel();
            }
            // A cancelled upstream makes no further listener calls: end the exchange here.
            finishLocked();
        }
    }

    private void finishLocked() {
        if (state == State.DONE) {
            return;
        }
        cancelTimersLocked();
        boolean wasHolding = state == State.HOLDING;
        state = State.DONE;
        Throwable failure = writeFailure;
        if (failure != null) {
            callback.failed(failure);
        } else if (wasHolding) {
            // Cancelled before anything was sent: nobody is waiting for a well-formed answer.
            callback.failed(new java.util.concurrent.CancellationException("cancelled"));
        } else {
            callback.succeeded();
        }
        onFinished.run();
    }

    private void cancelTimersLocked() {
        ScheduledFuture<?> timer = commitTimer;
        if (timer != null) {
            timer.cancel(false);
            commitTimer = null;
        }
        timer = keepAliveTimer;
        if (timer != null) {
            timer.cancel(false);
            keepAliveTimer = null;
        }
    }

    private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return scheduler.schedule(() -> submit(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            return null;
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.fine("executor rejected a stream task; the server is stopping");
        }
    }
}
