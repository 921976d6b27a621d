package dev.responsesrelay.okhttp.internal;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.stream.EventTypes;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.RelayResponse;
import dev.responsesrelay.okhttp.ResponsesListener;
import dev.responsesrelay.okhttp.UpstreamTap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * One streamed exchange: reads the upstream's event stream with the core's {@link SseDecoder} and
 * feeds a {@link ResponsesStream}, handing the events to a {@link ResponsesListener}.
 *
 * <p>The core decoder is used rather than okhttp-sse because okhttp-sse follows the WHATWG
 * algorithm strictly and drops llama.cpp's {@code error: {json}} field (docs/dialects.md rule 3), which
 * would turn a reported error into a silent truncation.
 *
 * <p>Thread confinement: {@link #startAsync()} runs on the caller's thread and emits {@code
 * start()}'s events before the call is enqueued; OkHttp's enqueue hands the stream over to one
 * dispatcher thread with a happens-before edge, and that thread does everything else, except
 * {@link #keepClientAlive()}: a server's timer thread asks the stream for an idle event, under the
 * same {@code streamLock} the reading thread holds while it feeds the stream.
 */
public final class StreamingExchange implements RelayCall, Callback {
    private static final Logger LOG = Logger.getLogger(StreamingExchange.class.getName());

    private final Call call;
    private final Translation translation;
    private final ResponsesStream stream;
    private final ResponsesListener listener;
    private final Duration idleTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Held while the listener is called, so that {@link #cancel()} can wait for a call in progress
     * on the reading thread: {@link RelayCall#cancel()} promises no events once it returns.
     */
    private final ReentrantLock delivering = new ReentrantLock();

    /**
     * Held while the stream is fed and its events delivered, by the reading thread and by {@link
     * #keepClientAlive()} on a server's timer thread: the stream is not thread-safe, and its
     * sequence numbers must reach the listener in order. Always taken before {@link #delivering}.
     */
    private final ReentrantLock streamLock = new ReentrantLock();

    /** Whether any event beyond start()'s went out; after that an HTTP status can't be sent. */
    private boolean sentBeyondStart;

    /**
     * An exchange that will run {@code call}, feeding {@code stream} and telling {@code listener};
     * {@code idleTimeout} only words the failure when the read timeout fires.
     */
    public StreamingExchange(
            Call call,
            Translation translation,
            ResponsesStream stream,
            ResponsesListener listener,
            Duration idleTimeout) {
        this.call = call;
        this.translation = translation;
        this.stream = stream;
        this.listener = listener;
        this.idleTimeout = idleTimeout;
    }

    /**
     * An exchange for a client that did not ask for a stream while the upstream streams: the events
     * are dropped and the final response object (or the error) goes to {@code onResponse}.
     */
    public static StreamingExchange collecting(
            Call call,
            Translation translation,
            UpstreamTap tap,
            Consumer<RelayResponse> onResponse,
            Duration idleTimeout) {
        ResponsesStream stream = translation.newStream();
        return new StreamingExchange(call, translation, stream, new Collector(stream, tap, onResponse), idleTimeout);
    }

    @Override
    public void cancel() {
        call.cancel();
        // Every listener call checks the flag under this lock first, so once a call in progress on
        // the reading thread has returned, nothing more reaches the listener. From inside a
        // listener callback (same thread, lock held) there is nothing to wait for.
        if (!delivering.isHeldByCurrentThread()) {
            awaitDeliveryInProgress();
        }
    }

    /** Returns once no listener call is running on another thread. */
    private void awaitDeliveryInProgress() {
        delivering.lock();
        try {
            // Nothing to do: holding the lock once is the wait.
        } finally {
            delivering.unlock();
        }
    }

    @Override
    public boolean isCanceled() {
        return call.isCanceled();
    }

    @Override
    public boolean keepClientAlive() {
        // Busy means the reading thread is translating or delivering: events are flowing already,
        // and a timer thread must not queue up behind a slow client's write.
        if (!streamLock.tryLock()) {
            return false;
        }
        try {
            if (call.isCanceled() || !stream.hasStarted() || stream.isTerminal()) {
                return false;
            }
            List<SseEvent> events = stream.onIdle();
            if (events.isEmpty()) {
                return false;
            }
            // Not through deliver(): an idle event leaves how a later upstream error is reported
            // (sentBeyondStart) as it was.
            invokeListener(() -> listener.onEvents(this, events));
            return true;
        } catch (ListenerFailed e) {
            return false; // the call is cancelled; the reading thread ends the exchange
        } finally {
            streamLock.unlock();
        }
    }

    /** Emits start()'s events on this thread, then enqueues the upstream call. */
    public void startAsync() {
        if (!emitStart()) {
            return;
        }
        call.enqueue(this);
    }

    /** Emits start()'s events and runs the whole exchange on this thread. */
    public void runBlocking() {
        if (!emitStart()) {
            return;
        }
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            onFailure(call, e);
            return;
        }
        onResponse(call, response);
    }

    private boolean emitStart() {
        streamLock.lock();
        try {
            deliver(stream.start(), false);
            return true;
        } catch (ListenerFailed e) {
            close();
            return false;
        } finally {
            streamLock.unlock();
        }
    }

    @Override
    public void onFailure(Call call, IOException e) {
        try {
            if (!call.isCanceled()) {
                fail(Bodies.transportFailure(e, idleTimeout, call.request()));
            }
        } catch (ListenerFailed ignored) {
            // The listener threw; the call is cancelled and onClosed follows.
        } catch (RuntimeException | Error failure) {
            translationFailed(failure, List.of());
        } finally {
            close();
        }
    }

    @Override
    public void onResponse(Call call, Response response) {
        try (response) {
            deliverUpstreamResponse(response);
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                Bodies.BoundedBody error = Bodies.read(body, Bodies.MAX_ERROR_BODY_BYTES, this::tap);
                fail(Bodies.httpFailure(response, error.text()));
            } else if (Bodies.isJson(body)) {
                readJsonAnswer(body);
            } else {
                readEventStream(body);
            }
        } catch (IOException e) {
            if (!call.isCanceled()) {
                try {
                    fail(Bodies.transportFailure(e, idleTimeout, call.request()));
                } catch (ListenerFailed ignored) {
                    // The listener threw; the call is cancelled and onClosed follows.
                }
            }
        } catch (ListenerFailed ignored) {
            // The listener threw; the call is cancelled and onClosed follows.
        } catch (TranslationFailed e) {
            translationFailed(e.getCause(), e.translated);
        } catch (RuntimeException | Error e) {
            translationFailed(e, List.of());
        } finally {
            close();
        }
    }

    /**
     * Reading or translating the answer threw instead of returning: an {@link OutOfMemoryError}
     * while the terminal events of a long answer were written (issue 18), or a bug. The client still
     * gets a terminal event ({@link ResponsesStream#abort}): a small {@code response.failed}, or,
     * with nothing sent yet, the error as an HTTP answer. An out-of-memory failure is a 503 that
     * clients retry after {@code Retry-After}; anything else a 500 naming the exception.
     *
     * @param translated the events the failed read had already translated, delivered first so the
     *     {@code sequence_number}s the client sees have no gap
     */
    private void translationFailed(Throwable failure, List<SseEvent> translated) {
        LOG.log(Level.WARNING, "translating the upstream answer failed; it ends with response.failed", failure);
        RelayError error = failure instanceof OutOfMemoryError
                ? RelayError.of(
                        503,
                        "server_error",
                        "server_overloaded",
                        "the relay ran out of memory while translating this answer; retry shortly",
                        null,
                        Duration.ofSeconds(1))
                : RelayError.of(
                        500,
                        "server_error",
                        "server_error",
                        "the relay failed while translating this answer: " + failure,
                        null,
                        null);
        streamLock.lock();
        try {
            List<SseEvent> events = new ArrayList<>(translated);
            events.addAll(stream.abort(error));
            if (!sentBeyondStart && translated.isEmpty()) {
                sentBeyondStart = true;
                invokeListener(() -> listener.onUpstreamError(this, error, events));
            } else if (!events.isEmpty()) {
                sentBeyondStart = true;
                invokeListener(() -> listener.onEvents(this, events));
            }
        } catch (ListenerFailed ignored) {
            // The listener threw; the call is cancelled and onClosed follows.
        } catch (RuntimeException | Error again) {
            LOG.log(Level.WARNING, "the response could not be failed either", again);
        } finally {
            streamLock.unlock();
        }
    }

    private void readEventStream(ResponseBody body) throws IOException {
        SseDecoder decoder = SseDecoder.create();
        byte[] buffer = new byte[16 * 1024];
        InputStream in = body.byteStream();
        while (!stream.isTerminal()) {
            // Returns as soon as some bytes arrived: events go out as the upstream produces them.
            int n = in.read(buffer);
            if (call.isCanceled()) {
                return;
            }
            if (n != -1) {
                tap(ByteBuffer.wrap(buffer, 0, n).asReadOnlyBuffer());
            }
            List<SseEvent> upstreamEvents;
            try {
                // At EOF the decoder still holds a last line without a line break, which can be the
                // one that takes an event past the size limit.
                upstreamEvents = n == -1 ? decoder.finish() : decoder.feed(buffer, 0, n);
            } catch (SseDecoder.EventTooLargeException tooLarge) {
                fail(UpstreamFailure.transport(
                        "the upstream sent an SSE event too large to handle: " + tooLarge.getMessage()));
                return;
            }
            streamLock.lock();
            try {
                // One delivery per read: a fast upstream packs many chunks into one read, and the
                // listener can then write them to its client in one write instead of one per chunk.
                Batch batch = translate(upstreamEvents);
                if (n == -1) {
                    if (!stream.isTerminal()) {
                        // EOF: the stream decides whether a finish reason was seen (docs/dialects.md rule 5).
                        try {
                            batch.add(stream.onEnd());
                        } catch (RuntimeException | Error e) {
                            throw new TranslationFailed(e, batch.events());
                        }
                    }
                    deliver(batch.events(), true);
                    return;
                }
                deliver(batch.events(), true);
            } finally {
                streamLock.unlock();
            }
        }
        // Terminal before EOF ([DONE], or an error event): stop reading. Closing the response
        // discards what is left, and a provider still generating is disconnected rather than
        // left billing tokens nobody reads.
    }

    /** Translates {@code upstreamEvents}, in order, until the stream is terminal. */
    private Batch translate(List<SseEvent> upstreamEvents) {
        Batch batch = new Batch();
        try {
            for (SseEvent event : upstreamEvents) {
                if (stream.isTerminal()) {
                    break;
                }
                batch.add(stream.onEvent(event));
            }
        } catch (RuntimeException | Error e) {
            throw new TranslationFailed(e, batch.events());
        }
        return batch;
    }

    /**
     * The events of one read. Most reads translate to a single non-empty list, which is passed on
     * as it is; only a read that yields several is copied into one list. Lists the stream returned
     * are never modified.
     */
    private static final class Batch {
        private List<SseEvent> events = List.of();
        private boolean owned;

        void add(List<SseEvent> more) {
            if (more.isEmpty()) {
                return;
            }
            if (events.isEmpty()) {
                events = more;
                return;
            }
            if (!owned) {
                events = new ArrayList<>(events);
                owned = true;
            }
            events.addAll(more);
        }

        List<SseEvent> events() {
            return events;
        }
    }

    /**
     * A 2xx JSON body to a streaming request: an error object (LM Studio answers HTTP 200 with
     * {@code {"error": …}}, docs/dialects.md rule 4/44), or a server that ignored {@code stream: true}.
     * It is fed to the stream as one data payload, which fails the response on an error object; any
     * other JSON fails it too, since a complete answer without a stream is not what was asked for.
     *
     * <p>Issue 18: since no such body ends well unless it is an error object, it is read only as far
     * as an error body is ({@link Bodies#MAX_ERROR_BODY_BYTES}, 1 MiB, held once as bytes and once as
     * text): a larger one fails unread, where reading it up to a non-streamed answer's bound held up
     * to 7 MiB several times without being charged to the server's memory budget.
     */
    private void readJsonAnswer(ResponseBody body) throws IOException {
        Bodies.Answer json =
                Bodies.readAnswer(body, Bodies.MAX_ERROR_BODY_BYTES, this::tap, Bodies.AnswerAdmission.ALWAYS);
        if (json.outcome != Bodies.Answer.Outcome.READ) {
            fail(UpstreamFailure.transport("the upstream answered a streaming request with a JSON body of more than "
                    + Bodies.MAX_ERROR_BODY_BYTES + " bytes instead of an event stream"));
            return;
        }
        streamLock.lock();
        try {
            deliver(stream.onData(new String(json.bytes, StandardCharsets.UTF_8).strip()), true);
            if (!stream.isTerminal()) {
                fail(UpstreamFailure.transport(
                        "the upstream answered a streaming request with a JSON body instead of an event stream"));
            }
        } finally {
            streamLock.unlock();
        }
    }

    /** Fails the response; before anything was streamed, the caller gets the HTTP-able error too. */
    private void fail(UpstreamFailure failure) {
        streamLock.lock();
        try {
            List<SseEvent> events = stream.onFailure(failure);
            if (!sentBeyondStart) {
                RelayError error = Bodies.map(translation, failure);
                sentBeyondStart = true;
                invokeListener(() -> listener.onUpstreamError(this, error, events));
            } else if (!events.isEmpty()) {
                invokeListener(() -> listener.onEvents(this, events));
            }
        } finally {
            streamLock.unlock();
        }
    }

    /**
     * Hands events to the listener. An upstream whose very first event is an error (a 200 stream
     * whose first chunk is {@code {"error":…}}, or llama.cpp's {@code error:} field) is reported
     * like an HTTP error, since the client has seen nothing but the opening events yet.
     */
    private void deliver(List<SseEvent> events, boolean afterStart) {
        if (events.isEmpty()) {
            return;
        }
        if (afterStart && !sentBeyondStart) {
            sentBeyondStart = true;
            RelayError error = stream.error().orElse(null);
            if (stream.isTerminal() && error != null && onlyFailure(events)) {
                invokeListener(() -> listener.onUpstreamError(this, error, events));
                return;
            }
        }
        invokeListener(() -> listener.onEvents(this, events));
    }

    private static boolean onlyFailure(List<SseEvent> events) {
        for (SseEvent event : events) {
            if (!event.event().equals(EventTypes.FAILED) && !event.event().equals(EventTypes.ERROR)) {
                return false;
            }
        }
        return true;
    }

    private void deliverUpstreamResponse(Response response) {
        invokeListener(() -> listener.onUpstreamResponse(this, response.code(), response.headers()));
    }

    private void tap(ByteBuffer bytes) {
        invokeListener(() -> listener.onUpstreamBytes(this, bytes));
    }

    private void invokeListener(Runnable callback) {
        delivering.lock();
        try {
            if (call.isCanceled()) {
                return; // cancel() promised no more events; the read loop stops at its next read
            }
            callback.run();
        } catch (RuntimeException | Error e) {
            // The listener's own failure (typically: its client went away). Stop the upstream at
            // once: every token it streams from now on would be billed and thrown away.
            if (e instanceof Error) {
                // Not a client that went away (an OutOfMemoryError, say): the stream ends here
                // without its terminal event, which must not go unsaid.
                LOG.log(Level.WARNING, "the listener failed; the upstream call is cancelled", e);
            }
            call.cancel();
            throw new ListenerFailed(e);
        } finally {
            delivering.unlock();
        }
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            listener.onClosed(this);
        }
    }

    /**
     * Unwinds the read loop after translating threw, with the events the read had translated before
     * it. Without a stack trace of its own: the cause has it, and this may be made right after an
     * {@link OutOfMemoryError}.
     */
    private static final class TranslationFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("serial") // never serialized; RuntimeException is Serializable by inheritance
        final List<SseEvent> translated;

        TranslationFailed(Throwable cause, List<SseEvent> translated) {
            super(null, cause, false, false);
            this.translated = translated;
        }

        @Override
        public synchronized Throwable getCause() {
            return Objects.requireNonNull(super.getCause());
        }
    }

    /** Unwinds the read loop after a listener threw. */
    private static final class ListenerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerFailed(Throwable cause) {
            super(cause);
        }
    }

    /** Turns a stream into one complete answer for a non-streaming client. */
    private static final class Collector extends ResponsesListener {
        private final ResponsesStream stream;
        private final UpstreamTap tap;
        private final Consumer<RelayResponse> onResponse;
        private @Nullable RelayError earlyError;

        Collector(ResponsesStream stream, UpstreamTap tap, Consumer<RelayResponse> onResponse) {
            this.stream = stream;
            this.tap = tap;
            this.onResponse = onResponse;
        }

        @Override
        public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
            tap.onUpstreamResponse(status, headers);
        }

        @Override
        public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
            tap.onUpstreamBytes(bytes);
        }

        @Override
        public void onEvents(RelayCall call, List<SseEvent> events) {
            // The stream keeps the final response object; the events themselves are not needed.
        }

        @Override
        public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
            earlyError = error;
        }

        @Override
        public void onClosed(RelayCall call) {
            if (call.isCanceled()) {
                return;
            }
            RelayError early = earlyError;
            if (early != null) {
                onResponse.accept(RelayResponse.failure(early));
                return;
            }
            RelayError failed = stream.error().orElse(null);
            String json = stream.responseJson().orElse(null);
            if (failed != null) {
                onResponse.accept(RelayResponse.failure(failed));
            } else if (json != null) {
                // completed, or incomplete: both are 200 answers whose status field says which.
                onResponse.accept(RelayResponse.success(json));
            } else {
                onResponse.accept(RelayResponse.failure(RelayError.of(
                        502,
                        "server_error",
                        "server_error",
                        "the upstream stream ended without an answer",
                        null,
                        null)));
            }
        }
    }
}
