package dev.responsesrelay.server.responses;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.stream.EventTypes;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.ResponsesListener;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.ClientKeys;
import dev.responsesrelay.server.http.MemoryBudget;
import dev.responsesrelay.server.http.RequestBodies;
import dev.responsesrelay.server.metrics.RelayMetrics;
import dev.responsesrelay.state.ConversationState;
import dev.responsesrelay.state.InMemoryResponseStore;
import dev.responsesrelay.state.ResolvedRequest;
import dev.responsesrelay.state.ResponseStore;
import dev.responsesrelay.state.StoreUnavailableException;
import dev.responsesrelay.store.JdbcResponseStore;
import dev.responsesrelay.store.StoreLocation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of conversation state (issue 12): the store {@code --store} names, the resolve
 * step before translation, recording after the terminal event, and {@code GET}/{@code DELETE
 * /v1/responses/{id}} and {@code GET /v1/responses/{id}/input_items}.
 *
 * <ul>
 *   <li><b>Scope.</b> A response belongs to the client credential that created it: a SHA-256 of
 *       its bearer token (the {@code --require-key} key, or the key passed through upstream). No
 *       endpoint lists across scopes.
 *   <li><b>Recording</b> happens on a writer thread after the terminal event has been written, so
 *       a slow or failing store never delays or breaks a stream; a failed write is logged without
 *       content or keys. A request that continues a response whose write is still in flight in
 *       this process waits for it (briefly), so "completed, then turn 2 at once" always works.
 *   <li><b>A store that is down</b> (PostgreSQL) fails only requests that need it, with 503 and
 *       {@code Retry-After}; full-history and {@code store:false} requests go on.
 * </ul>
 */
public final class ResponseState implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ResponseState.class.getName());
    private static final String SUBPATH = "/v1/responses/";
    /** How long a request waits for this process's in-flight writes of its scope. */
    private static final Duration PENDING_WAIT = Duration.ofSeconds(5);
    /**
     * On a shared database, turn 2 may reach another relay while turn 1's write is still in flight
     * there (LiteLLM #12364 lost context that way): a miss is retried for this long.
     */
    private static final Duration SHARED_MISS_RETRY = Duration.ofMillis(1500);

    private final @Nullable ConversationState state;
    private final @Nullable JdbcResponseStore jdbc;
    private final boolean shared;
    private final String description;
    private final ThreadPoolExecutor writer;
    /** Per scope, the records announced and not yet written. */
    private final Map<String, Set<PendingRecord>> pending = new ConcurrentHashMap<>();

    private volatile @Nullable ScheduledFuture<?> purge;

    private ResponseState(
            @Nullable ConversationState state, @Nullable JdbcResponseStore jdbc, boolean shared, String description) {
        this.state = state;
        this.jdbc = jdbc;
        this.shared = shared;
        this.description = description;
        // One writer keeps writes in order; the queue bounds what a stuck store can hold in memory.
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread thread = new Thread(r, "relay-store-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The largest response the store keeps, for a relay whose memory budget is {@code budgetBytes}:
     * the core's default (32 MiB, {@link ConversationState.Builder#maxStoredBytes}), or a third of
     * the budget if that is less. Recording a response briefly holds its request and two copies of
     * its input (issue 18): at the default 128 MB heap a 30 MB screenshot's record ran the store
     * writer out of memory, and such a response is now answered but not stored (a warning says
     * so; {@code previous_response_id} naming it gets {@code previous_response_not_found}).
     */
    public static long maxStoredBytes(long budgetBytes) {
        return Math.min(32L << 20, budgetBytes / 3);
    }

    /** Opens the store a {@code --store} value names; it keeps responses up to {@code maxStoredBytes}. */
    public static ResponseState open(String spec, Duration retention, long maxStoredBytes) {
        StoreLocation location = StoreLocation.parse(spec);
        return switch (location.kind()) {
            case OFF -> new ResponseState(null, null, false, location.description());
            case MEMORY ->
                new ResponseState(
                        ConversationState.builder(new InMemoryResponseStore(
                                        10_000, 256L * 1024 * 1024, retention, Clock.systemUTC()))
                                .maxStoredBytes(maxStoredBytes)
                                .build(),
                        null,
                        false,
                        location.description() + ", retention " + days(retention));
            case SQLITE, POSTGRESQL -> {
                JdbcResponseStore store = JdbcResponseStore.open(location, retention, Clock.systemUTC());
                yield new ResponseState(
                        ConversationState.builder(store)
                                .maxStoredBytes(maxStoredBytes)
                                .build(),
                        store,
                        location.kind() == StoreLocation.Kind.POSTGRESQL,
                        store.description() + ", retention " + days(retention));
            }
        };
    }

    /** For the start-up line: which store, where, for how long. Never a password. */
    public String description() {
        return description;
    }

    /** The store, or null when {@code --store off}. */
    public @Nullable ResponseStore store() {
        return state == null ? null : state.store();
    }

    /** Deletes expired responses now and then hourly (reads skip them in between). */
    public void purgeExpiredHourly(ScheduledExecutorService scheduler) {
        JdbcResponseStore store = jdbc;
        if (store == null) {
            return;
        }
        purge = scheduler.scheduleWithFixedDelay(
                () -> writer.execute(() -> {
                    try {
                        int purged = store.purgeExpired();
                        if (purged > 0) {
                            LOG.info(() -> "response store: deleted " + purged + " response(s) past retention");
                        }
                    } catch (RuntimeException e) {
                        LOG.warning(() -> "response store: purging expired responses failed: " + e.getMessage());
                    }
                }),
                0,
                1,
                TimeUnit.HOURS);
    }

    private volatile @Nullable RelayMetrics metrics;

    /** Counts store failures in {@code metrics} from now on (issue 16, {@code relay_store_errors_total}). */
    public void metrics(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    private void storeError(String operation) {
        RelayMetrics counter = metrics;
        if (counter != null) {
            counter.storeError(operation);
        }
    }

    /** The scope of a request: a hash of its bearer token, never the token. */
    static String scope(Request request) {
        return scope(ClientKeys.bearerToken(request.getHeaders()));
    }

    /** The scope of a bearer token (null or empty: the anonymous scope). */
    static String scope(@Nullable String token) {
        if (token == null || token.isEmpty()) {
            return "anonymous";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The resolve step, or null when there is no store (the body then goes to translate as it is,
     * which refuses {@code previous_response_id} and {@code item_reference}).
     *
     * @throws RelayException the 400 or 503 to answer with
     */
    @Nullable
    ResolvedRequest resolve(Request request, byte[] body) {
        return resolve(scope(request), body, true);
    }

    /** As {@link #resolve(Request, byte[])}, for a scope already known (a WebSocket's). */
    @Nullable
    ResolvedRequest resolve(String scope, byte[] body, boolean retryMissesOnSharedStore) {
        ConversationState conversation = state;
        if (conversation == null) {
            return null;
        }
        awaitPending(scope);
        long deadline = System.nanoTime() + SHARED_MISS_RETRY.toNanos();
        while (true) {
            try {
                return conversation.resolve(body, scope);
            } catch (StoreUnavailableException e) {
                LOG.warning(() -> "response store unavailable: " + e.getMessage());
                storeError("read");
                throw e;
            } catch (RelayException e) {
                if (!shared || !retryMissesOnSharedStore || !isNotFound(e.error()) || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    private static boolean isNotFound(RelayError error) {
        return error.code().map("previous_response_not_found"::equals).orElse(false)
                || error.message().startsWith("Item with id");
    }

    /**
     * Wraps the listener of a streamed exchange: once a terminal event ({@code response.completed}
     * or {@code response.incomplete}) has been handed on, and so written, its response is recorded
     * on the writer thread. Failed responses are not kept: they have no output to continue from.
     */
    ResponsesListener recording(
            ResponsesListener delegate, @Nullable ResolvedRequest resolved, MemoryBudget.@Nullable Permit memory) {
        if (resolved == null || !resolved.store()) {
            return delegate;
        }
        return new ResponsesListener() {
            @Override
            public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
                delegate.onUpstreamResponse(call, status, headers);
            }

            @Override
            public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
                delegate.onUpstreamBytes(call, bytes);
            }

            @Override
            public void onEvents(RelayCall call, List<SseEvent> events) {
                String terminal = null;
                for (SseEvent event : events) {
                    if (event.event().equals(EventTypes.COMPLETED)
                            || event.event().equals(EventTypes.INCOMPLETE)) {
                        terminal = event.data();
                    }
                }
                // Announced before the client can see the terminal event, written after it was sent.
                PendingRecord pending = terminal == null ? null : expectRecord(resolved, memory);
                try {
                    delegate.onEvents(call, events);
                } catch (RuntimeException e) {
                    abandon(pending);
                    throw e;
                }
                if (terminal != null) {
                    submit(pending, terminal);
                }
            }

            @Override
            public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
                delegate.onUpstreamError(call, error, events);
            }

            @Override
            public void onClosed(RelayCall call) {
                delegate.onClosed(call);
            }
        };
    }

    /**
     * Announces a record for {@code resolved}'s scope before the client can see the response, so a
     * request of the same client that arrives right after waits for it; null when nothing is to be
     * recorded. {@link #submit} or {@link #abandon} must follow. The request's admission charge
     * ({@code memory}: a POST's, or a WebSocket message's) is held until the record is written: the pending record
     * holds the request's items.
     */
    @Nullable
    PendingRecord expectRecord(@Nullable ResolvedRequest resolved, MemoryBudget.@Nullable Permit memory) {
        if (state == null || resolved == null || !resolved.store()) {
            return null;
        }
        PendingRecord pending = new PendingRecord(resolved, memory == null ? () -> {} : memory.hold());
        pending.register();
        return pending;
    }

    /** Drops an announced record (the answer was not sent). */
    void abandon(@Nullable PendingRecord pending) {
        if (pending != null) {
            pending.finish();
        }
    }

    /**
     * Records {@code json} (a terminal event, or a Response object) on the writer thread, after the
     * answer carrying it has been sent.
     */
    void submit(@Nullable PendingRecord pending, String json) {
        ConversationState conversation = state;
        if (pending == null || conversation == null) {
            return;
        }
        try {
            writer.execute(() -> {
                try {
                    ConversationState.RecordOutcome outcome = conversation.record(pending.resolved, json);
                    if (outcome == ConversationState.RecordOutcome.TOO_LARGE) {
                        LOG.warning("response store: a response above the size cap was not stored; a"
                                + " previous_response_id naming it will be answered previous_response_not_found");
                    }
                } catch (RuntimeException e) {
                    // Without content or keys: the store's message names only the store and SQLState.
                    LOG.warning(() -> "response store: recording a response failed: " + e.getMessage());
                    storeError("write");
                } finally {
                    pending.finish();
                }
            });
        } catch (RejectedExecutionException e) {
            pending.finish();
            LOG.warning("response store: too many writes queued; a response was not stored");
            storeError("write");
        }
    }

    /** A record announced for a scope and not yet written. */
    final class PendingRecord {
        final ResolvedRequest resolved;
        final CountDownLatch done = new CountDownLatch(1);
        private final Runnable releaseMemory;

        PendingRecord(ResolvedRequest resolved, Runnable releaseMemory) {
            this.resolved = resolved;
            this.releaseMemory = releaseMemory;
        }

        void register() {
            pending.computeIfAbsent(resolved.scope(), s -> ConcurrentHashMap.newKeySet())
                    .add(this);
        }

        void finish() {
            Set<PendingRecord> mine = pending.get(resolved.scope());
            if (mine != null) {
                mine.remove(this);
            }
            releaseMemory.run();
            done.countDown();
        }
    }

    private void awaitPending(String scope) {
        Set<PendingRecord> mine = pending.get(scope);
        if (mine == null || mine.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + PENDING_WAIT.toNanos();
        try {
            for (PendingRecord record : List.copyOf(mine)) {
                if (!record.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.fine("response store: a pending write did not finish in time");
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- GET / DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items

    /** Whether {@code path} is one of the stored-response endpoints. */
    static boolean isStoredResponsePath(String path) {
        return path.startsWith(SUBPATH) && path.length() > SUBPATH.length();
    }

    /** Answers an authorized request to a stored-response endpoint. */
    void serve(Request request, Response response, Callback callback, String path) {
        String rest = path.substring(SUBPATH.length());
        boolean inputItems = rest.endsWith("/input_items");
        String id = inputItems ? rest.substring(0, rest.length() - "/input_items".length()) : rest;
        if (id.isEmpty() || id.contains("/")) {
            Answers.notFound(
                    request,
                    response,
                    callback,
                    "GET and DELETE /v1/responses/{id}, GET" + " /v1/responses/{id}/input_items");
            return;
        }
        String method = request.getMethod();
        String allowed = inputItems ? "GET" : "GET, DELETE";
        if (!method.equals("GET") && !(method.equals("DELETE") && !inputItems)) {
            RequestBodies.closeIfBodyUnread(request, response);
            response.getHeaders().put(HttpHeader.ALLOW, allowed);
            Answers.error(
                    response,
                    callback,
                    Answers.relayError(
                            405,
                            "invalid_request_error",
                            "method_not_allowed",
                            "method " + method + " is not allowed here; use " + allowed));
            return;
        }
        ConversationState conversation = state;
        if (conversation == null) {
            Answers.error(
                    response,
                    callback,
                    RelayError.of(
                            404,
                            "invalid_request_error",
                            null,
                            "Response with id '" + id + "' not found: this relay runs with --store off and keeps no"
                                    + " responses.",
                            null,
                            null));
            return;
        }
        String scope = scope(request);
        awaitPending(scope);
        Fields query = Request.extractQueryParameters(request);
        try {
            String json;
            if (inputItems) {
                json = conversation.inputItems(
                        scope, id, query.getValue("order"), query.getValue("limit"), query.getValue("after"));
            } else if (method.equals("DELETE")) {
                json = conversation.delete(scope, id);
            } else {
                if ("true".equals(query.getValue("stream"))) {
                    Answers.error(
                            response,
                            callback,
                            RelayError.invalidRequest(
                                    "stream=true is not supported: the relay stores the finished response, not its events",
                                    "stream"));
                    return;
                }
                json = conversation.retrieve(scope, id);
            }
            Answers.json(response, callback, 200, json, Map.of());
        } catch (RelayException e) {
            Answers.error(response, callback, e.error());
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> hourly = purge;
        if (hourly != null) {
            hourly.cancel(false);
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("response store: writes still queued at shutdown were dropped");
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JdbcResponseStore store = jdbc;
        if (store != null) {
            store.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String days(Duration retention) {
        long seconds = retention.toSeconds();
        return seconds % 86_400 == 0 ? seconds / 86_400 + " days" : seconds + " s";
    }
}
