package dev.responsesrelay.examples.server;

import dev.responsesrelay.RelayError;
import java.time.Duration;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Admission control in front of the relay's handlers (issue 18): every POST is charged against
 * the {@link MemoryBudget} by its {@code Content-Length} (a body without one: by the bytes read, as
 * they are read) times {@link MemoryBudget#REQUEST_AMPLIFICATION}, until its exchange is over. A
 * request that does not fit within {@link #ADMISSION_WAIT} gets HTTP 503 with {@code Retry-After}
 * and an OpenAI error body: Codex and the OpenAI SDKs retry that (docs/codex-wire.md §2.3), where
 * an {@code OutOfMemoryError} would have been a 500 for this request and for others.
 */
public final class MemoryAdmissionHandler extends Handler.Wrapper {
    /** How long a request waits for room before it is refused: short, so the client's retry decides. */
    public static final Duration ADMISSION_WAIT = Duration.ofSeconds(2);

    /** What the 503 asks the client to wait; Codex honours it (docs/codex-wire.md §2.3). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final MemoryBudget budget;

    /** Admits the requests {@code next} handles against {@code budget}. */
    public MemoryAdmissionHandler(Handler next, MemoryBudget budget) {
        super(next);
        this.budget = budget;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        long declared = request.getLength();
        long charge = Math.max(0, declared) * MemoryBudget.REQUEST_AMPLIFICATION;
        MemoryBudget.Permit permit = budget.tryAcquire(charge, ADMISSION_WAIT);
        if (permit == null) {
            RelayHandler.closeIfBodyUnread(request, response);
            Answers.error(response, callback, overloaded(charge));
            return true;
        }
        Request admitted = declared >= 0 ? request : new CountingRequest(request, permit);
        admitted.setAttribute(MemoryBudget.Permit.ATTRIBUTE, permit);
        Callback releasing = new ReleasingCallback(callback, permit);
        try {
            boolean handled = super.handle(admitted, response, releasing);
            if (!handled) {
                permit.release();
            }
            return handled;
        } catch (Exception | Error e) {
            permit.release();
            throw e;
        }
    }

    private RelayError overloaded(long charge) {
        return RelayError.of(
                503,
                "server_error",
                "server_overloaded",
                "the relay is at its memory budget (" + mib(budget.capacity()) + " MiB, this request needs about "
                        + mib(charge) + " MiB); retry shortly",
                null,
                RETRY_AFTER);
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** A body without {@code Content-Length}: charged as its chunks are read. */
    private static final class CountingRequest extends Request.Wrapper {
        private final MemoryBudget.Permit permit;

        CountingRequest(Request request, MemoryBudget.Permit permit) {
            super(request);
            this.permit = permit;
        }

        @Override
        public Content.@Nullable Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk != null && chunk.hasRemaining()) {
                permit.grow((long) chunk.remaining() * MemoryBudget.REQUEST_AMPLIFICATION);
            }
            return chunk;
        }
    }

    /** Gives the permit back when the exchange completes, however it completes. */
    private static final class ReleasingCallback implements Callback {
        private final Callback callback;
        private final MemoryBudget.Permit permit;

        ReleasingCallback(Callback callback, MemoryBudget.Permit permit) {
            this.callback = callback;
            this.permit = permit;
        }

        @Override
        public void succeeded() {
            permit.release();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            permit.release();
            callback.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }
    }
}
