package dev.responsesrelay.server.chat;

import dev.responsesrelay.ChatCompletionStream;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import dev.responsesrelay.server.http.SseAnswer;
import dev.responsesrelay.server.responses.StreamedAnswer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Writes one streamed Chat Completions answer: the upstream's Responses events go through a {@link
 * ChatCompletionStream}, and the chunks of one upstream read are written as {@code data: …} lines
 * with one write.
 *
 * <p>The HTTP status follows the forward direction's rule ({@link StreamedAnswer}): nothing is sent
 * until the translator emits its first chunk or the first-byte window closes, so an upstream that
 * refuses the request at once (400, 429 with {@code Retry-After}) is answered with that status and
 * the OpenAI error body. After the window, HTTP 200 is committed with the opening chunk ({@link
 * ChatCompletionStream#start()}), keep-alive comments fill the silence, and a later failure is the
 * error payload the translator emits (no {@code [DONE]}), which the OpenAI SDKs raise.
 *
 * <p>A failed write (the client hung up) cancels the upstream exchange at once; keep-alives are the
 * probe while the upstream is silent ({@link SseAnswer}).
 */
public final class ChatStreamedAnswer extends SseAnswer implements ChatUpstream.Listener {
    private static final Logger LOG = Logger.getLogger(ChatStreamedAnswer.class.getName());

    private enum State {
        HOLDING,
        STREAMING,
        DONE
    }

    private final ChatCompletionStream stream;
    private final Runnable onFinished;

    private State state = State.HOLDING;
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
            Recording recording,
            Runnable onFinished) {
        super(response, callback, scheduler, executor, keepAlive, recording);
        this.stream = stream;
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
                startFirstByteWindowLocked(firstByteWindow);
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
            recording.note("upstream cancelled: " + why);
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

    /**
     * The events of one upstream read: their chunks go out with one write, as in the forward
     * direction ({@link StreamedAnswer}), instead of one write (and one flush) per event.
     */
    @Override
    public void onEvents(List<SseEvent> events) {
        lock.lock();
        try {
            if (state == State.DONE) {
                return;
            }
            List<String> payloads = new ArrayList<>();
            for (SseEvent event : events) {
                payloads.addAll(stream.onEvent(event));
                if (stream.isTerminal()) {
                    // Nothing after the end counts, as with one onEvent call per event.
                    break;
                }
            }
            deliverLocked(payloads);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onUpstreamResponse(int status, Headers headers) {
        recording.upstreamResponse(status, headers);
    }

    @Override
    public void onUpstreamBytes(ByteBuffer bytes) {
        recording.upstreamBytes(bytes);
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
            recording.answer(error.get().httpStatus(), error.get().toJson());
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

    @Override
    protected boolean isStreamingLocked() {
        return state == State.STREAMING;
    }

    @Override
    protected void firstByteWindowClosedLocked() {
        if (state == State.HOLDING) {
            // The client gets its opening chunk now, however long the model thinks.
            List<String> opening = stream.start();
            commitLocked();
            writePayloadsLocked(opening);
        }
    }

    @Override
    protected void writeFailedLocked(Throwable failure) {
        // The client went away: stop the upstream at once (a provider bills every token, and a
        // Codex run keeps working).
        ChatUpstream.Exchange running = exchange;
        cancelled = true;
        if (running != null) {
            running.cancel();
        }
        // A cancelled upstream makes no further listener calls: end the exchange here.
        finishLocked();
    }

    private void commitLocked() {
        state = State.STREAMING;
        cancelTimersLocked();
        commitHeadersLocked(true);
    }

    /** Encodes {@code payloads} as data-only events into one buffer and writes it with one write. */
    private void writePayloadsLocked(List<String> payloads) {
        for (String payload : payloads) {
            SseEncoder.encodeDataUtf8(payload, out);
        }
        writeOutLocked();
    }

    private void finishLocked() {
        if (state == State.DONE) {
            return;
        }
        cancelTimersLocked();
        boolean wasHolding = state == State.HOLDING;
        state = State.DONE;
        if (wasHolding && writeFailure() == null) {
            // Cancelled before anything was sent: nobody is waiting for a well-formed answer.
            callback.failed(new CancellationException("cancelled"));
        } else {
            completeLocked();
        }
        onFinished.run();
    }
}
