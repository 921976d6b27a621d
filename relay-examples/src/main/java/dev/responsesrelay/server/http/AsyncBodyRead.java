package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import java.io.EOFException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Reads one request body with Jetty 12's demand model ({@code Request.demand}/{@code read}, see
 * https://jetty.org/docs/jetty/12/programming-guide/arch/io.html): no thread waits for a slow
 * sender, where a blocking read held one pool thread per connection and 800 clients announcing 1 MB
 * and sending a few bytes left the relay unable to answer anyone (issue 18).
 *
 * <p>Memory follows what has arrived, not what was announced: the first {@link #ADMIT_AFTER_BYTES}
 * go into a buffer that grows with them and are charged to the request's {@link MemoryBudget.Permit}
 * as they come; past that, the whole declared length is admitted against the budget (waiting without
 * a thread, refused with 503 after {@link MemoryAdmissionHandler#ADMISSION_WAIT}) and read into one
 * array of exactly that length, so a 30 MB body is still held once. A body without {@code
 * Content-Length} grows its buffer as it arrives: past the first {@link #ADMIT_AFTER_BYTES}, each
 * larger buffer is admitted against the budget the same way before it is allocated. A body not
 * complete within its deadline gets 408; one past {@link RequestBodies#MAX_BODY_BYTES}, 413.
 */
public final class AsyncBodyRead implements Runnable {
    /** The request attribute under which the body read this way is handed to the API handler. */
    public static final String ATTRIBUTE = AsyncBodyRead.class.getName() + ".body";

    /**
     * How much of a declared body is read, and charged, before its whole length is admitted: a
     * real client sends this in its first packets, a slow sender holds no more than this.
     */
    public static final int ADMIT_AFTER_BYTES = 64 * 1024;

    private static final int FIRST_BUFFER_BYTES = 8 * 1024;

    /** What becomes of the body; exactly one method is called, once. */
    interface Outcome {
        /** The whole body arrived. */
        void body(byte[] body);

        /** The body is refused: too large, over the budget, or too slow. */
        void refused(RelayError error);

        /** The client went away: nobody to answer. */
        void failed(Throwable failure);
    }

    private final Request request;
    private final MemoryBudget.Permit permit;
    private final long declared;
    private final Duration bodyTimeout;
    private final Scheduler scheduler;
    private final Outcome outcome;
    private final RefusalFactory refusals;
    private final AtomicBoolean finished = new AtomicBoolean();

    private byte[] buffer;
    private int filled;
    /** Whether the declared length is charged in full (never for a body that fits the first read). */
    private boolean admitted;
    /**
     * A chunk read but not yet copied, kept while the budget is asked for room; taken atomically,
     * since the deadline may release it while the budget's answer resumes the read.
     */
    private final AtomicReference<Content.@Nullable Chunk> held = new AtomicReference<>();

    private Scheduler.@Nullable Task deadline;

    /** The errors the relay answers with, built by the admission handler that knows the budget. */
    interface RefusalFactory {
        RelayError tooLarge();

        RelayError overloaded(long charge);

        RelayError tooSlow(Duration bodyTimeout);
    }

    AsyncBodyRead(
            Request request,
            MemoryBudget.Permit permit,
            Duration bodyTimeout,
            RefusalFactory refusals,
            Outcome outcome) {
        this.request = request;
        this.permit = permit;
        this.declared = request.getLength();
        this.bodyTimeout = bodyTimeout;
        this.scheduler = request.getComponents().getScheduler();
        this.refusals = refusals;
        this.outcome = outcome;
        long firstBuffer = declared >= 0 ? Math.min(declared, FIRST_BUFFER_BYTES) : FIRST_BUFFER_BYTES;
        this.buffer = new byte[(int) firstBuffer];
    }

    /** Reads what has arrived and asks to be called back for the rest; returns without waiting. */
    void start() {
        deadline = scheduler.schedule(this::expire, bodyTimeout.toNanos(), TimeUnit.NANOSECONDS);
        run();
    }

    /** Jetty's demand callback: copies what has arrived, then demands more or finishes. */
    @Override
    public void run() {
        while (true) {
            if (finished.get()) {
                dropHeld();
                return;
            }
            Content.Chunk chunk = held.getAndSet(null);
            if (chunk == null) {
                chunk = request.read();
            }
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                chunk.release();
                if (failure instanceof TimeoutException) {
                    refuse(refusals.tooSlow(bodyTimeout)); // Jetty's idle timeout came first
                } else {
                    fail(failure);
                }
                return;
            }
            RelayError refusal = discardingFor;
            if (refusal != null) {
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    refuse(refusal);
                    return;
                }
                continue;
            }
            int length = chunk.remaining();
            if (length > 0) {
                if ((declared >= 0 && filled + (long) length > declared)
                        || filled + (long) length > RequestBodies.MAX_BODY_BYTES) {
                    // Read to its end and dropped, then refused, as a body over the budget is
                    // (admitRest says why); what was read goes now, the deadline bounds the rest.
                    discardingFor = refusals.tooLarge();
                    buffer = new byte[0];
                    filled = 0;
                    held.set(chunk);
                    continue;
                }
                if (!admitted && declared >= 0 && filled + length > ADMIT_AFTER_BYTES) {
                    held.set(chunk);
                    admitRest();
                    return;
                }
                if (declared < 0 && filled + length > buffer.length) {
                    int capacity = grownCapacity(filled + length);
                    if (capacity > ADMIT_AFTER_BYTES) {
                        held.set(chunk);
                        admitGrowth(capacity);
                        return;
                    }
                }
                if (!admitted) {
                    permit.grow((long) length * MemoryBudget.REQUEST_AMPLIFICATION);
                }
                ensureRoom(filled + length);
                chunk.get(buffer, filled, length);
                filled += length;
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                complete();
                return;
            }
        }
    }

    /**
     * Enough of the body has arrived to take it for a real one: charges its whole declared length,
     * waiting for room without a thread, then reads the rest into one array of that length.
     */
    private void admitRest() {
        long charge = declared * MemoryBudget.REQUEST_AMPLIFICATION - permit.held();
        permit.growWhenFits(
                Math.max(0, charge),
                MemoryAdmissionHandler.ADMISSION_WAIT,
                scheduler,
                request.getComponents().getExecutor(),
                fits -> {
                    if (!fits) {
                        // Read the rest and drop it, then answer 503: closing the connection while
                        // the client still sends makes its kernel reset the connection, and the
                        // client sees a broken pipe instead of the 503 it would retry (seen in
                        // MemoryPressureProcessTest at load 14). Dropped chunks cost no memory;
                        // the body deadline still bounds the wait.
                        discardingFor = refusals.overloaded(declared * MemoryBudget.REQUEST_AMPLIFICATION);
                        run();
                        return;
                    }
                    admitted = true;
                    buffer = Arrays.copyOf(buffer, (int) declared);
                    run();
                });
    }

    /**
     * A body without {@code Content-Length} outgrows its buffer past {@link #ADMIT_AFTER_BYTES}:
     * the new buffer is charged before it is allocated, waiting for room without a thread and
     * refused with 503 as a declared body is ({@link #admitRest}). {@link MemoryBudget.Permit#grow} alone never
     * waited nor refused, so enough chunked uploads at once ran the heap out (issue 18).
     *
     * <p>The charge is {@link MemoryBudget#REQUEST_AMPLIFICATION} times the buffer's capacity, not
     * the bytes read: the buffer holds its capacity (at most twice what arrived); growing holds the
     * old buffer and the new one (1.5 times the new capacity); and the end holds the buffer and the
     * body cut to its length ({@link #complete}), at most twice the capacity. The body's consumers
     * take a whole {@code byte[]} ({@code ResponsesTranslator.translate}, {@code
     * ChatCompletionsTranslator.translate}, {@code ResponseState.resolve}, {@code RequestModel.of}),
     * hence that last copy.
     */
    private void admitGrowth(int capacity) {
        long charge = (long) capacity * MemoryBudget.REQUEST_AMPLIFICATION - permit.held();
        permit.growWhenFits(
                Math.max(0, charge),
                MemoryAdmissionHandler.ADMISSION_WAIT,
                scheduler,
                request.getComponents().getExecutor(),
                fits -> {
                    if (!fits) {
                        // As admitRest: read the rest and drop it, then 503; the buffer goes now.
                        discardingFor = refusals.overloaded((long) capacity * MemoryBudget.REQUEST_AMPLIFICATION);
                        buffer = new byte[0];
                        filled = 0;
                        run();
                        return;
                    }
                    admitted = true;
                    buffer = Arrays.copyOf(buffer, capacity);
                    run();
                });
    }

    /** The buffer's next size for {@code needed} bytes: doubled, or {@code needed} if more. */
    private int grownCapacity(int needed) {
        long limit = declared < 0 ? RequestBodies.MAX_BODY_BYTES : Math.min(declared, ADMIT_AFTER_BYTES);
        return (int) Math.min(limit, Math.max(needed, (long) buffer.length * 2));
    }

    /** Set once the body is refused for the budget: the rest is read and dropped, then refused. */
    private volatile @Nullable RelayError discardingFor;

    private void ensureRoom(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, grownCapacity(needed));
        }
    }

    private void complete() {
        if (declared >= 0 && filled < declared) {
            fail(new EOFException("the request body ended after " + filled + " of " + declared + " bytes"));
            return;
        }
        if (!finish()) {
            return;
        }
        outcome.body(filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled));
    }

    private void expire() {
        refuse(refusals.tooSlow(bodyTimeout));
    }

    private void refuse(RelayError error) {
        if (finish()) {
            dropHeld();
            outcome.refused(error);
        }
    }

    private void fail(Throwable failure) {
        if (finish()) {
            dropHeld();
            outcome.failed(failure);
        }
    }

    /** Whether this call ended the read (the deadline and the reading race for it). */
    private boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        Scheduler.Task task = deadline;
        if (task != null) {
            task.cancel();
        }
        return true;
    }

    private void dropHeld() {
        Content.Chunk chunk = held.getAndSet(null);
        if (chunk != null) {
            chunk.release();
        }
    }
}
