package dev.responsesrelay.examples.server;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.examples.server.ExchangeRecorder.Recording;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.ResponsesListener;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Writes one streamed exchange to its client as {@code text/event-stream}, event by event, with
 * blocking writes from the thread that reads the upstream, so a slow client slows the upstream
 * reads down instead of filling memory.
 *
 * <p><b>When the HTTP status is decided.</b> A client must get bytes quickly, but an upstream
 * failure that happens before anything was streamed should keep its HTTP meaning: Codex treats HTTP
 * 400 as fatal and retries HTTP 429 after its {@code Retry-After}, while a {@code response.failed}
 * event is retried with backoff (CODEX-WIRE.md §2.3). So the answer starts {@linkplain State#HOLDING
 * holding}: {@code response.created} and {@code response.in_progress} are kept back for up to the
 * first-byte window. If the upstream answers 2xx (or sends its first event) within it, the relay
 * commits HTTP 200 and streams; if it answers with an error, the client gets that error's status,
 * JSON body and {@code Retry-After}; if it is still silent when the window closes, the relay commits
 * HTTP 200, sends the opening events, and keeps the client's idle timer alive with SSE comments.
 * Failures after that are {@code response.failed} events.
 *
 * <p><b>Hang-ups.</b> Jetty does not read the connection while a request is being handled, so a
 * client that closes it is only noticed when a write fails. Events fail fast; while the upstream is
 * silent, the keep-alive is the probe. It is written in two halves a moment apart ({@code ":
 * keep-alive\n"}, then the blank line), because on a closed TCP connection the first write still
 * succeeds and only provokes the peer's reset; the second then fails. Any failed write cancels the
 * upstream call at once.
 */
public final class StreamedAnswer extends ResponsesListener {
    private static final Logger LOG = Logger.getLogger(StreamedAnswer.class.getName());
    private static final byte[] KEEP_ALIVE_LINE = ": keep-alive\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE_END = "\n".getBytes(StandardCharsets.UTF_8);
    private static final Duration PROBE_DELAY = Duration.ofMillis(200);

    /** Where the answer stands. */
    enum State {
        /** Nothing sent; the opening events are held back while the upstream may still fail. */
        HOLDING,
        /** HTTP 200 committed; events are written as they come. */
        STREAMING,
        /** An HTTP error answer was sent instead of a stream. */
        ANSWERED,
        /** The response is complete (or failed); nothing more is written. */
        FINISHED
    }

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration keepAlive;
    private final Recording recording;
    private final Runnable onFinished;

    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.HOLDING;
    private final List<SseEvent> held = new ArrayList<>();
    private boolean openingEventsReceived;
    private boolean probePending;
    private long lastWriteNanos = System.nanoTime();
    private @Nullable Throwable writeFailure;
    private @Nullable ScheduledFuture<?> commitTimer;
    private @Nullable ScheduledFuture<?> keepAliveTimer;
    private volatile @Nullable RelayCall call;

    /**
     * Creates the answer for one request.
     *
     * @param scheduler fires the timers; the work itself runs on {@code executor}, since a blocked
     *     write must not stall the timers of every other stream
     * @param onFinished called once, when the exchange is over
     */
    public StreamedAnswer(
            Request request,
            Response response,
            Callback callback,
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration keepAlive,
            Recording recording,
            Runnable onFinished) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.scheduler = scheduler;
        this.executor = executor;
        this.keepAlive = keepAlive;
        this.recording = recording;
        this.onFinished = onFinished;
    }

    /**
     * Called before the upstream call starts: watches for the client connection failing (Jetty
     * reports that on server stop and on idle timeouts of blocked writes). Registered first because
     * a fast upstream failure can complete the request before {@link #begin} runs.
     */
    public void watchClient() {
        request.addFailureListener(failure -> cancelUpstream("client connection failed: " + failure));
    }

    /** Called once the upstream call exists: starts the first-byte window. */
    public void begin(RelayCall upstreamCall, Duration firstByteWindow) {
        this.call = upstreamCall;
        lock.lock();
        try {
            if (state == State.HOLDING) {
                commitTimer = schedule(this::commitIfStillHolding, firstByteWindow);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the upstream call, for example at shutdown. */
    public void cancelUpstream(String why) {
        RelayCall upstreamCall = call;
        if (upstreamCall != null && !upstreamCall.isCanceled()) {
            LOG.fine(() -> "cancelling the upstream call: " + why);
            recording.note("upstream cancelled: " + why);
            upstreamCall.cancel();
        }
    }

    @Override
    public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
        recording.upstreamResponse(status, headers);
        if (status >= 200 && status < 300) {
            lock.lock();
            try {
                if (state == State.HOLDING && openingEventsReceived) {
                    commitLocked(true);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
        recording.upstreamBytes(bytes);
    }

    @Override
    public void onEvents(RelayCall call, List<SseEvent> events) {
        lock.lock();
        try {
            if (!openingEventsReceived) {
                // The adapter's first call, on the request thread: response.created and
                // response.in_progress. Held back until the HTTP status is decided.
                openingEventsReceived = true;
                held.addAll(events);
                return;
            }
            switch (state) {
                case HOLDING -> {
                    commitLocked(true);
                    writeEventsLocked(events);
                }
                case STREAMING -> writeEventsLocked(events);
                case ANSWERED, FINISHED -> {}
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
        lock.lock();
        try {
            switch (state) {
                case HOLDING -> {
                    // Nothing sent yet: the client gets the upstream failure as an HTTP status.
                    state = State.ANSWERED;
                    cancelTimersLocked();
                    recording.answer(error.httpStatus(), error.toJson());
                    Answers.error(response, callback, error);
                }
                case STREAMING -> writeEventsLocked(events);
                case ANSWERED, FINISHED -> {}
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onClosed(RelayCall call) {
        lock.lock();
        try {
            cancelTimersLocked();
            switch (state) {
                case HOLDING -> {
                    // Closed without an event or an error (cancelled early): send what there is, so
                    // the client sees a stream that ended before response.completed and retries.
                    if (writeFailure == null) {
                        commitLocked(false);
                    }
                    finishLocked();
                }
                case STREAMING -> finishLocked();
                case ANSWERED, FINISHED -> {}
            }
        } finally {
            lock.unlock();
            recording.close();
            onFinished.run();
        }
    }

    private void commitIfStillHolding() {
        if (!lock.tryLock()) {
            // Another thread is deciding right now (committing, or answering an error); look again
            // shortly rather than block a pool thread behind a possibly slow write.
            ScheduledFuture<?> unused = schedule(this::commitIfStillHolding, Duration.ofMillis(20));
            return;
        }
        try {
            if (state == State.HOLDING && openingEventsReceived) {
                commitLocked(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Commits HTTP 200 and writes the held events; keep-alives follow unless the end is here. */
    private void commitLocked(boolean keepAlives) {
        state = State.STREAMING;
        ScheduledFuture<?> timer = commitTimer;
        if (timer != null) {
            timer.cancel(false);
            commitTimer = null;
        }
        response.setStatus(200);
        // text/event-stream, never compressed (no compression handler is installed), and no caching
        // or proxy buffering: each event must reach the client when it is written.
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Accel-Buffering", "no");
        List<SseEvent> opening = List.copyOf(held);
        held.clear();
        if (opening.isEmpty()) {
            writeLocked(new byte[0]);
        } else {
            writeEventsLocked(opening);
        }
        if (!keepAlives) {
            return;
        }
        try {
            keepAliveTimer = scheduler.scheduleWithFixedDelay(
                    () -> submit(this::keepAliveTick), keepAlive.toNanos(), keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.log(Level.FINE, "no keep-alives: the server is stopping", shuttingDown);
        }
    }

    private void writeEventsLocked(List<SseEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * events.size());
        for (SseEvent event : events) {
            byte[] encoded = SseEncoder.encodeUtf8(event);
            bytes.write(encoded, 0, encoded.length);
        }
        byte[] sse = bytes.toByteArray();
        recording.outboundEvents(sse);
        writeLocked(sse);
    }

    private void keepAliveTick() {
        if (!lock.tryLock()) {
            return; // a write is in progress: the stream is not idle
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
            return; // another write is in progress, and it serves as the probe
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
        // Any write after the keep-alive line completes it: an event starts on a fresh line.
        probePending = false;
        try {
            Content.Sink.write(response, false, ByteBuffer.wrap(bytes));
            lastWriteNanos = System.nanoTime();
        } catch (Throwable e) {
            // The client went away (or stalled past the idle timeout). Stop the upstream at once:
            // a provider bills every token it streams.
            writeFailure = e;
            cancelUpstream("write to the client failed: " + e);
        }
    }

    private void finishLocked() {
        state = State.FINISHED;
        Throwable failure = writeFailure;
        if (failure != null) {
            callback.failed(failure);
        } else {
            callback.succeeded();
        }
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
            LOG.log(Level.FINE, "executor rejected a stream task; the server is stopping", shuttingDown);
        }
    }
}
