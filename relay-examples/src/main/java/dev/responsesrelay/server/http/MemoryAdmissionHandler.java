package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.server.responses.ResponsesWebSocket;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Admission control in front of the relay's handlers (issue 18). Every POST gets a {@link
 * MemoryBudget.Permit}, charged {@link MemoryBudget#REQUEST_AMPLIFICATION} times what its body
 * holds, until its exchange is over. The body of a request the API handler will read (an authorized
 * JSON POST to its endpoint) is read here first, without holding a thread ({@link AsyncBodyRead}),
 * and handed on in a request attribute ({@link RequestBodies#readBody} takes it): its charge grows
 * with the bytes that arrived until enough did to admit its declared length. A request that does
 * not fit within {@link #ADMISSION_WAIT} gets HTTP 503 with {@code Retry-After} and an OpenAI error
 * body: Codex and the OpenAI SDKs retry that (docs/codex-wire.md §2.3), where an {@code
 * OutOfMemoryError} would have been a 500 for this request and for others. A body that has not
 * arrived within the body timeout ({@code --body-timeout}) gets 408.
 */
public final class MemoryAdmissionHandler extends Handler.Wrapper {
    /** How long a request waits for room before it is refused: short, so the client's retry decides. */
    public static final Duration ADMISSION_WAIT = Duration.ofSeconds(2);

    /** The default of {@code --body-timeout}: longer than any real client takes to send a body. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);

    /** What the 503 asks the client to wait; Codex honours it (docs/codex-wire.md §2.3). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private static final Logger LOG = Logger.getLogger(MemoryAdmissionHandler.class.getName());

    private final MemoryBudget budget;
    private final ApiHandler api;
    private final Duration bodyTimeout;

    /**
     * Admits the requests {@code next} handles against {@code budget}.
     *
     * @param api the API handler behind {@code next} (or {@code next} itself): says whether it will
     *     read a request's body (then it is read here first), and logs and counts the requests
     *     refused here as it does those it answers
     * @param bodyTimeout how long a body may take to arrive before the request gets 408
     */
    public MemoryAdmissionHandler(Handler next, MemoryBudget budget, ApiHandler api, Duration bodyTimeout) {
        super(next);
        this.budget = budget;
        this.api = api;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        // The access-log line and the duration of a request count from here: reading its body
        // may take up to the body timeout, and it may be refused before the API handler sees it.
        api.arrived(request, response);
        MemoryBudget.Permit permit = budget.open();
        request.setAttribute(MemoryBudget.Permit.ATTRIBUTE, permit);
        Callback releasing = new ReleasingCallback(callback, permit);
        long declared = request.getLength();
        if (declared != 0 && declared <= RequestBodies.MAX_BODY_BYTES && api.readsBodyOf(request)) {
            new AsyncBodyRead(request, permit, bodyTimeout, refusals, new AsyncBodyRead.Outcome() {
                        @Override
                        public void body(byte[] body) {
                            request.setAttribute(AsyncBodyRead.ATTRIBUTE, body);
                            handOn(request, response, releasing);
                        }

                        @Override
                        public void refused(RelayError error) {
                            response.getHeaders().put(HttpHeader.CONNECTION, "close");
                            // Answered here, not by the API handler: its line and count too.
                            api.refusedInFront(request, response, releasing, error);
                        }

                        @Override
                        public void failed(Throwable failure) {
                            // The client stopped sending its body (disconnect): nobody to answer.
                            LOG.log(Level.FINE, "reading the request body failed", failure);
                            api.failedInFront(request, response, releasing, failure);
                        }
                    })
                    .start();
            return true;
        }
        // Not read here (refused unread, or read by a handler that does not declare it): charged
        // as whatever reads it reads it.
        Request counted = new CountingRequest(request, permit);
        try {
            boolean handled = super.handle(counted, response, releasing);
            if (!handled) {
                permit.release();
            }
            return handled;
        } catch (Exception | Error e) {
            permit.release();
            throw e;
        }
    }

    /** The body is read: the wrapped handlers take the request from here, on this thread. */
    private void handOn(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Answers.notFound(request, response, callback, "POST /v1/responses");
            }
        } catch (RuntimeException e) {
            Answers.unexpectedFailure(request, response, callback, e);
        } catch (Exception | Error e) {
            callback.failed(e);
        }
    }

    private final AsyncBodyRead.RefusalFactory refusals = new AsyncBodyRead.RefusalFactory() {
        @Override
        public RelayError tooLarge() {
            return RequestBodies.tooLarge();
        }

        @Override
        public RelayError overloaded(long charge) {
            return MemoryAdmissionHandler.this.overloaded(charge);
        }

        @Override
        public RelayError tooSlow(Duration timeout) {
            return RelayError.of(
                    408,
                    "invalid_request_error",
                    "request_timeout",
                    "the request body did not arrive within " + timeout.toMillis() / 1000.0
                            + " s (--body-timeout); send it again",
                    null,
                    null);
        }
    };

    private RelayError overloaded(long charge) {
        return overloaded(budget, charge);
    }

    /**
     * The 503 for a request that needs {@code charge} bytes of {@code budget} and did not get them;
     * over WebSocket it is sent as an error event ({@link ResponsesWebSocket}).
     */
    public static RelayError overloaded(MemoryBudget budget, long charge) {
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

    /** A body read by the wrapped handler itself: charged as its chunks are read. */
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
