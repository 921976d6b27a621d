package dev.responsesrelay.server.http;

import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.server.chat.ChatStreamedAnswer;
import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import dev.responsesrelay.server.responses.StreamedAnswer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The writing half of a streamed answer, shared by both directions ({@link StreamedAnswer} for
 * Responses events, {@link ChatStreamedAnswer} for Chat chunks): the first-byte window, the HTTP 200
 * commit, blocking writes of one encoded batch at a time, keep-alives, and hang-up detection.
 *
 * <p>All state is guarded by {@link #lock}; methods ending in {@code Locked} expect it held. Writes
 * block the thread that reads the upstream, so a slow client slows the upstream reads down instead
 * of filling memory.
 *
 * <p><b>Hang-ups.</b> Jetty does not read the connection while a request is being handled, so a
 * client that closes it is only noticed when a write fails. Events fail fast; while the upstream is
 * silent, the keep-alive is the probe. It is written in two halves a moment apart ({@code ":
 * keep-alive\n"}, then the blank line), because on a closed TCP connection the first write still
 * succeeds and only provokes the peer's reset; the second then fails. Any failed write goes to
 * {@link #writeFailedLocked}, which cancels the upstream at once: a provider bills every token.
 */
public abstract class SseAnswer {
    private static final Logger LOG = Logger.getLogger(SseAnswer.class.getName());
    private static final byte[] KEEP_ALIVE_LINE = ": keep-alive\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE_END = "\n".getBytes(StandardCharsets.UTF_8);
    private static final Duration PROBE_DELAY = Duration.ofMillis(200);
    /** How soon a timer that found the lock taken looks again. */
    private static final Duration RETRY_DELAY = Duration.ofMillis(20);

    protected final Response response;
    protected final Callback callback;
    protected final ReentrantLock lock = new ReentrantLock();

    /**
     * Where each batch is encoded, reused for the life of the answer: one write per batch, and no
     * array per event.
     */
    protected SseEncoder.Utf8Buffer out = new SseEncoder.Utf8Buffer();

    /** Events whose data is longer than this are encoded and written in slices ({@link #writeLongEventLocked}). */
    static final int LONG_EVENT_CHARS = 64 * 1024;

    static final int LONG_EVENT_SLICE_CHARS = 32 * 1024;
    private static final byte[] EVENT_END = {'\n', '\n'};

    /** A buffer grown past this by one large batch is dropped after it, not kept for the stream's life. */
    protected static final int LARGEST_KEPT_BUFFER = 1 << 20;

    /** The exchange's recording ({@code --record}), or {@link Recording#NONE}. */
    protected final Recording recording;

    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration keepAlive;

    private boolean probePending;
    private long lastWriteNanos = System.nanoTime();
    private @Nullable Throwable writeFailure;
    private @Nullable ScheduledFuture<?> commitTimer;
    private @Nullable ScheduledFuture<?> keepAliveTimer;

    /**
     * @param scheduler fires the timers; the work itself runs on {@code executor}, since a blocked
     *     write must not stall the timers of every other stream
     */
    protected SseAnswer(
            Response response,
            Callback callback,
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration keepAlive,
            Recording recording) {
        this.response = response;
        this.recording = recording;
        this.callback = callback;
        this.scheduler = scheduler;
        this.executor = executor;
        this.keepAlive = keepAlive;
    }

    /** Whether HTTP 200 is committed and the end not reached: keep-alives are written only then. */
    protected abstract boolean isStreamingLocked();

    /** The first-byte window closed: commit HTTP 200 and the opening events if still undecided. */
    protected abstract void firstByteWindowClosedLocked();

    /** A write to the client failed ({@link #writeFailure()} is set): stop the upstream. */
    protected abstract void writeFailedLocked(Throwable failure);

    /** Starts the first-byte window, unless the status is already decided. */
    protected final void startFirstByteWindowLocked(Duration window) {
        commitTimer = schedule(this::firstByteWindowClosed, window);
    }

    private void firstByteWindowClosed() {
        if (!lock.tryLock()) {
            // Another thread is deciding right now (committing, or answering an error); look again
            // shortly rather than block a pool thread behind a possibly slow write.
            ScheduledFuture<?> unused = schedule(this::firstByteWindowClosed, RETRY_DELAY);
            return;
        }
        try {
            firstByteWindowClosedLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets HTTP 200 and the event-stream headers (nothing is sent until the first write), stops the
     * first-byte window and, if {@code keepAlives}, starts the keep-alive timer.
     */
    protected final void commitHeadersLocked(boolean keepAlives) {
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

    /**
     * Records and writes what {@link #out} holds as one write (an empty one commits the headers),
     * then empties it. Blocks until the client has taken the bytes.
     */
    protected final void writeOutLocked() {
        if (recording != Recording.NONE) {
            recording.outboundEvents(out.toByteArray());
        }
        try {
            writeLocked(out.asByteBuffer());
        } finally {
            out.clear();
            if (out.array().length > LARGEST_KEPT_BUFFER) {
                out = new SseEncoder.Utf8Buffer(); // issue 18: a terminal batch can be megabytes
            }
        }
    }

    /**
     * Encodes {@code event} into {@link #out} a slice at a time, writing the buffer out whenever it
     * holds a slice's worth, when its data is one long line (the {@code *.done} events and the
     * terminal response of a long answer, megabytes each, issue 18): encoded whole, each would take
     * a UTF-8 copy of its own size and a buffer of up to twice that, at the moment the answer holds
     * the most. Returns false, encoding nothing, for any other event.
     */
    protected final boolean writeLongEventLocked(SseEvent event) {
        return encodeLongEvent(event, () -> out, this::writeOutLocked);
    }

    /**
     * {@link #writeLongEventLocked}'s encoding: appends {@code event}'s bytes, exactly as {@link
     * SseEncoder#encodeUtf8(SseEvent, SseEncoder.Utf8Buffer)} writes them, to the buffer {@code
     * buffer} gives, running {@code writeOut} (which empties it, or replaces it) whenever it holds a
     * slice's worth; false, appending nothing, for an event it does not slice.
     */
    static boolean encodeLongEvent(SseEvent event, Supplier<SseEncoder.Utf8Buffer> buffer, Runnable writeOut) {
        String data = event.data();
        String name = event.event();
        if (data.length() <= LONG_EVENT_CHARS
                || data.indexOf('\n') >= 0
                || data.indexOf('\r') >= 0
                || name.indexOf('\n') >= 0
                || name.indexOf('\r') >= 0) {
            return false; // SseEncoder splits the lines, or refuses the name
        }
        // The bytes SseEncoder.encodeUtf8 writes for one-line data: "event: ", the name,
        // "\ndata: ", the data, a blank line.
        buffer.get().append(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        for (int from = 0; from < data.length(); ) {
            int to = Math.min(data.length(), from + LONG_EVENT_SLICE_CHARS);
            if (to < data.length() && Character.isHighSurrogate(data.charAt(to - 1))) {
                to--; // a surrogate pair is encoded together, never split between slices
            }
            buffer.get().append(data.substring(from, to).getBytes(StandardCharsets.UTF_8));
            if (buffer.get().size() >= LONG_EVENT_SLICE_CHARS) {
                writeOut.run();
            }
            from = to;
        }
        buffer.get().append(EVENT_END);
        return true;
    }

    /** The failure of the first write that failed, if any: nothing is written after it. */
    protected final @Nullable Throwable writeFailure() {
        return writeFailure;
    }

    protected final void cancelTimersLocked() {
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

    /** Completes Jetty's callback: failed if a write failed, succeeded otherwise. */
    protected final void completeLocked() {
        Throwable failure = writeFailure;
        if (failure != null) {
            callback.failed(failure);
        } else {
            callback.succeeded();
        }
    }

    private void keepAliveTick() {
        if (!lock.tryLock()) {
            return; // a write is in progress: the stream is not idle
        }
        try {
            if (!isStreamingLocked()
                    || writeFailure != null
                    || System.nanoTime() - lastWriteNanos < keepAlive.toNanos() / 2) {
                return;
            }
            writeLocked(ByteBuffer.wrap(KEEP_ALIVE_LINE));
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
            if (probePending && isStreamingLocked()) {
                writeLocked(ByteBuffer.wrap(KEEP_ALIVE_END));
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeLocked(ByteBuffer bytes) {
        if (writeFailure != null) {
            return;
        }
        // Any write after the keep-alive line completes it: an event starts on a fresh line.
        probePending = false;
        try {
            // Blocking: returns once Jetty has written the bytes, so the buffer can be reused.
            Content.Sink.write(response, false, bytes);
            lastWriteNanos = System.nanoTime();
        } catch (Throwable e) {
            // The client went away (or stalled past the idle timeout).
            if (e instanceof Error) {
                // Not the client: an OutOfMemoryError, say. Said, since the stream ends here.
                LOG.log(Level.WARNING, "writing a streamed answer failed; the stream ends here", e);
            }
            writeFailure = e;
            writeFailedLocked(e);
        }
    }

    protected final @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
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
