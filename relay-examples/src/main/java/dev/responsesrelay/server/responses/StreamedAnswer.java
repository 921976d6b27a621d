package dev.responsesrelay.server.responses;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.ResponsesListener;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import dev.responsesrelay.server.http.SseAnswer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Writes one streamed exchange to its client as {@code text/event-stream}, one write per upstream read, with
 * blocking writes from the thread that reads the upstream, so a slow client slows the upstream
 * reads down instead of filling memory.
 *
 * <p><b>When the HTTP status is decided.</b> A client must get bytes quickly, but an upstream
 * failure that happens before anything was streamed should keep its HTTP meaning: Codex treats HTTP
 * 400 as fatal and retries HTTP 429 after its {@code Retry-After}, while a {@code response.failed}
 * event is retried with backoff (docs/codex-wire.md §2.3). So the answer starts {@linkplain State#HOLDING
 * holding}: {@code response.created} and {@code response.in_progress} are kept back for up to the
 * first-byte window. If the upstream answers 2xx (or sends its first event) within it, the relay
 * commits HTTP 200 and streams; if it answers with an error, the client gets that error's status,
 * JSON body and {@code Retry-After}; if it is still silent when the window closes, the relay commits
 * HTTP 200, sends the opening events, and keeps the client's idle timer alive with SSE comments.
 * Failures after that are {@code response.failed} events.
 *
 * <p>Events of one upstream read come in one {@link ResponsesListener#onEvents} call and are written with one
 * write. Hang-up detection, keep-alives and the write itself are {@link SseAnswer}'s; a failed
 * write cancels the upstream call at once.
 */
public final class StreamedAnswer extends SseAnswer {
    private static final Logger LOG = Logger.getLogger(StreamedAnswer.class.getName());

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
    private final Runnable onFinished;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration idleEventInterval;
    /** Issue 13 §3: response.in_progress again while the upstream is silent; started by {@link #begin}. */
    private volatile @Nullable IdleEvents idleEvents;

    private State state = State.HOLDING;
    private final List<SseEvent> held = new ArrayList<>();
    private boolean openingEventsReceived;
    private volatile @Nullable RelayCall call;

    /**
     * Starts the next upstream after one failed before any byte reached the client (routing
     * fallbacks, docs/OPERATIONS.md "Routing").
     */
    public interface Fallback {
        /**
         * Starts the next attempt with {@code listener}, or returns null when none is left (the
         * failure is then answered as usual).
         */
        @Nullable
        RelayCall next(RelayError failure, ResponsesListener listener);
    }

    private @Nullable Fallback fallback;

    /**
     * Which attempt's callbacks count: a fallback starts a new attempt, and the failed one's late
     * {@code onClosed} must not end the answer.
     */
    private int attempt;

    /**
     * A listener for one attempt; a separate object because {@link ResponsesListener} is a class:
     * the answer itself extends {@link SseAnswer}.
     */
    private ResponsesListener listenerFor(int forAttempt) {
        return new ResponsesListener() {
            @Override
            public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
                if (current(forAttempt)) {
                    upstreamResponse(status, headers);
                }
            }

            @Override
            public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
                if (current(forAttempt)) {
                    recording.upstreamBytes(bytes);
                }
            }

            @Override
            public void onEvents(RelayCall call, List<SseEvent> events) {
                if (current(forAttempt)) {
                    events(events);
                }
            }

            @Override
            public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
                if (current(forAttempt)) {
                    upstreamError(error, events);
                }
            }

            @Override
            public void onClosed(RelayCall call) {
                if (current(forAttempt)) {
                    closed();
                }
            }
        };
    }

    private boolean current(int forAttempt) {
        lock.lock();
        try {
            return forAttempt == attempt;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates the answer for one request.
     *
     * @param scheduler fires the timers; the work itself runs on {@code executor}, since a blocked
     *     write must not stall the timers of every other stream
     * @param idleEvent how long the client may go without an event while the upstream is silent
     *     before it gets {@code response.in_progress} again ({@link IdleEvents}); zero: never
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
            Duration idleEvent,
            Runnable onFinished) {
        super(response, callback, scheduler, executor, keepAlive, recording);
        this.request = request;
        this.onFinished = onFinished;
        this.scheduler = scheduler;
        this.executor = executor;
        this.idleEventInterval = idleEvent;
    }

    /** The listener to run the upstream call with: its callbacks drive this answer. */
    public ResponsesListener listener() {
        lock.lock();
        try {
            return listenerFor(attempt);
        } finally {
            lock.unlock();
        }
    }

    /** Sets what to try when the upstream fails before any byte reached the client. */
    public void fallback(Fallback next) {
        this.fallback = next;
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
                startFirstByteWindowLocked(firstByteWindow);
                idleEvents = IdleEvents.start(scheduler, executor, idleEventInterval, () -> call);
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

    private void upstreamResponse(int status, Headers headers) {
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

    private void events(List<SseEvent> events) {
        IdleEvents idle = idleEvents;
        if (idle != null) {
            idle.sent();
        }
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

    private void upstreamError(RelayError error, List<SseEvent> events) {
        lock.lock();
        try {
            switch (state) {
                case HOLDING -> {
                    if (tryFallbackLocked(error)) {
                        return;
                    }
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

    /**
     * After a connect error, 429 or 5xx with nothing sent: starts the next upstream, whose opening
     * events replace the failed attempt's (a new response id, since nothing of the old one reached
     * the client).
     */
    private boolean tryFallbackLocked(RelayError error) {
        Fallback next = fallback;
        int status = error.httpStatus();
        if (next == null || !(status == 429 || status >= 500)) {
            return false;
        }
        attempt++;
        openingEventsReceived = false;
        held.clear();
        RelayCall started = next.next(error, listenerFor(attempt));
        if (started == null) {
            attempt--; // no attempt left: the failed one's close still ends the answer
            return false;
        }
        this.call = started;
        return true;
    }

    private void closed() {
        IdleEvents idle = idleEvents;
        if (idle != null) {
            idle.stop();
        }
        lock.lock();
        try {
            cancelTimersLocked();
            switch (state) {
                case HOLDING -> {
                    // Closed without an event or an error (cancelled early): send what there is, so
                    // the client sees a stream that ended before response.completed and retries.
                    if (writeFailure() == null) {
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

    @Override
    protected boolean isStreamingLocked() {
        return state == State.STREAMING;
    }

    @Override
    protected void firstByteWindowClosedLocked() {
        if (state == State.HOLDING && openingEventsReceived) {
            commitLocked(true);
        }
    }

    @Override
    protected void writeFailedLocked(Throwable failure) {
        cancelUpstream("write to the client failed: " + failure);
    }

    /** Commits HTTP 200 and writes the held events; keep-alives follow unless the end is here. */
    private void commitLocked(boolean keepAlives) {
        state = State.STREAMING;
        commitHeadersLocked(keepAlives);
        // With no opening events, the empty write still sends the status line and headers.
        writeEventsLocked(held);
        held.clear();
    }

    /** Encodes {@code events} into one buffer and writes it with one write. */
    private void writeEventsLocked(List<SseEvent> events) {
        for (SseEvent event : events) {
            if (!writeLongEventLocked(event)) {
                SseEncoder.encodeUtf8(event, out);
            }
            if (out.size() > LARGEST_KEPT_BUFFER / 4) {
                // The terminal batch of a long answer repeats it three times over (*.done events,
                // output_item.done, the response): written event by event, not as one buffer.
                writeOutLocked();
            }
        }
        if (!out.isEmpty() || events.isEmpty()) {
            writeOutLocked();
        }
    }

    private void finishLocked() {
        state = State.FINISHED;
        completeLocked();
    }
}
