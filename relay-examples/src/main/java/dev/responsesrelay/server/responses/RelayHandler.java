package dev.responsesrelay.server.responses;

import static dev.responsesrelay.server.http.RequestBodies.checkContentHeaders;
import static dev.responsesrelay.server.http.RequestBodies.closeIfBodyUnread;
import static dev.responsesrelay.server.http.RequestBodies.readBody;
import static dev.responsesrelay.server.http.RequestBodies.tooLarge;

import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.Translation;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.RelayResponse;
import dev.responsesrelay.okhttp.UpstreamTap;
import dev.responsesrelay.server.http.AccessLog;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.ApiHandler;
import dev.responsesrelay.server.http.ClientKeys;
import dev.responsesrelay.server.http.ExchangeRecorder;
import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import dev.responsesrelay.server.http.MemoryAdmissionHandler;
import dev.responsesrelay.server.http.MemoryBudget;
import dev.responsesrelay.server.http.RequestBodies.BodyTooLarge;
import dev.responsesrelay.server.metrics.RelayMetrics;
import dev.responsesrelay.server.routing.RelayChooser;
import dev.responsesrelay.server.routing.RequestModel;
import dev.responsesrelay.state.ResolvedRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Routes {@code POST /v1/responses}, {@code GET /v1/models} and {@code GET /healthz}; everything
 * else gets a JSON 404 or 405. Every failure the client can cause is a 4xx with an OpenAI error
 * body, never a 5xx or a dropped connection.
 */
public final class RelayHandler extends ApiHandler {

    private static final Logger LOG = Logger.getLogger(RelayHandler.class.getName());

    /**
     * Everything a handler needs from the server.
     *
     * @param relay the flags' one upstream, or with {@code --config} the first configured one (for
     *     the WebSocket transport's prewarm and for recording)
     * @param chooser which upstreams serve a request's model, in fallback order
     */
    public record Settings(
            OkHttpRelay relay,
            RelayChooser chooser,
            RelayMetrics metrics,
            boolean passClientKey,
            ClientKeys clientKeys,
            ExchangeRecorder recorder,
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration firstByteWindow,
            Duration keepAlive,
            ResponseState responseState,
            // Issue 13 §0: which model the single upstream is asked for.
            ServedModels servedModels,
            // Issue 13 §3: how long a stream goes without an event before response.in_progress again.
            Duration idleEvent,
            // Issue 18: what in-flight requests may hold; WebSocket messages are charged to it too.
            MemoryBudget memoryBudget) {}

    private final Settings settings;
    /** The upstream URL as {@code exchange.json} records it: without query or fragment (keys). */
    private final String recordedChatUrl;

    private final Set<StreamedAnswer> openStreams = ConcurrentHashMap.newKeySet();
    private final Set<RelayCall> openCalls = ConcurrentHashMap.newKeySet();

    /** Creates the handler. */
    public RelayHandler(Settings settings) {
        super(settings.clientKeys(), "/v1/responses");
        this.settings = settings;
        this.recordedChatUrl = recordedChatUrl(settings.relay());
    }

    /** The upstream URL as {@code exchange.json} records it: without query or fragment (keys). */
    static String recordedChatUrl(OkHttpRelay relay) {
        return relay.upstream().baseUrl().replaceFirst("[?#].*$", "").replaceFirst("/$", "") + "/chat/completions";
    }

    @Override
    public void cancelAll(String why) {
        for (StreamedAnswer answer : openStreams) {
            answer.cancelUpstream(why);
        }
        for (RelayCall call : openCalls) {
            call.cancel();
        }
    }

    /** Closes the response store (issue 12). */
    @Override
    public void close() {
        settings.responseState().close();
    }

    @Override
    public String stateDescription() {
        return ", responses stored " + settings.responseState().description();
    }

    /** The response store's server side (issue 12). */
    public ResponseState responseState() {
        return settings.responseState();
    }

    @Override
    public int openExchanges() {
        return openStreams.size() + openCalls.size();
    }

    @Override
    protected void models(Request request, Response response, Callback callback) {
        RelayResponse answer = settings.chooser().models(ClientKeys.bearerToken(request.getHeaders()));
        Answers.json(response, callback, answer.httpStatus(), answer.body(), answer.headers());
    }

    @Override
    protected void post(Request request, Response response, Callback callback) {
        responses(request, response, callback);
    }

    @Override
    protected boolean ownsSubpath(String path) {
        return ResponseState.isStoredResponsePath(path);
    }

    @Override
    protected void subpath(Request request, Response response, Callback callback, String path) {
        settings.responseState().serve(request, response, callback, path);
    }

    private void responses(Request request, Response response, Callback callback) {
        RelayError refusal = checkContentHeaders(request);
        if (refusal != null) {
            closeIfBodyUnread(request, response);
            Answers.error(response, callback, refusal);
            return;
        }
        byte[] body;
        try {
            body = readBody(request);
        } catch (BodyTooLarge e) {
            closeIfBodyUnread(request, response);
            Answers.error(response, callback, tooLarge());
            return;
        } catch (IOException e) {
            // The client stopped sending its body (disconnect, or idle timeout): nobody to answer.
            LOG.log(Level.FINE, "reading the request body failed", e);
            callback.failed(e);
            return;
        }
        Recording recording =
                settings.recorder().begin(request.getMethod(), "/v1/responses", request.getHeaders(), body);
        // Issue 12: previous_response_id and item_reference are resolved from the store first.
        ResolvedRequest resolved;
        try {
            resolved = settings.responseState().resolve(request, body);
        } catch (RelayException e) {
            recording.answer(e.error().httpStatus(), e.error().toJson());
            recording.close();
            Answers.error(response, callback, e.error());
            return;
        }
        byte[] toTranslate = resolved == null ? body : resolved.body();
        String model = RequestModel.of(body).orElse(null);
        AccessLog.Entry entry = AccessLog.entry(request).model(model);
        if (model != null) {
            request.setAttribute(MODEL_ATTRIBUTE, model);
        }
        List<RelayChooser.Attempt> attempts =
                settings.chooser().choose(model, ClientKeys.bearerToken(request.getHeaders()));
        if (attempts.isEmpty()) {
            // Without a model to route by, a body that is not JSON is told so (issue 17), not that
            // its model is missing.
            RelayError error = model == null
                    ? RelayError.invalidJson("request body", new String(body, StandardCharsets.UTF_8))
                            .orElse(modelNotRouted(null, settings.chooser()))
                    : modelNotRouted(model, settings.chooser());
            recording.answer(error.httpStatus(), error.toJson());
            recording.close();
            Answers.error(response, callback, error);
            return;
        }
        OkHttpRelay relay = attempts.get(0).relay();
        Translation translation;
        try {
            // Issue 13 §0: a model the one upstream does not list goes to --model, or is a 404.
            translation = settings.servedModels().translate(toTranslate, model, relay);
        } catch (RelayException e) {
            recording.answer(e.error().httpStatus(), e.error().toJson());
            recording.close();
            Answers.error(response, callback, e.error());
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the translator failed on a request", e);
            RelayError error = Answers.relayError(
                    500, "server_error", "server_error", "the relay could not translate the request: " + e);
            recording.answer(error.httpStatus(), error.toJson());
            recording.close();
            Answers.error(response, callback, error);
            return;
        }
        if (model == null) {
            entry.model(translation.model());
        }
        entry.upstream(attempts.get(0).upstream());
        TranslationWarnings.report(translation.warnings(), "POST /v1/responses", recording); // issue 13 §5
        recording.upstreamRequest(
                attempts.size() == 1 && relay == settings.relay() ? recordedChatUrl : recordedChatUrl(relay),
                translation);
        // The upstream has its own idle timeout; Jetty's must not end a request that is only
        // waiting for it (a pending write still fails after Jetty's timeout, as it should).
        request.addIdleTimeoutListener(timeout -> false);
        if (translation.clientStreams()) {
            stream(
                    request,
                    response,
                    callback,
                    relay,
                    translation,
                    recording,
                    new Fallbacks(attempts, toTranslate, recording, resolved, memoryPermit(request), entry));
        } else {
            respond(
                    request,
                    response,
                    callback,
                    relay,
                    translation,
                    recording,
                    new Fallbacks(attempts, toTranslate, recording, resolved, memoryPermit(request), entry));
        }
    }

    /** A 404 {@code model_not_found} in OpenAI's shape, or a 400 for a request with no model. */
    static RelayError modelNotRouted(@Nullable String model, RelayChooser chooser) {
        if (model == null) {
            return RelayError.of(
                    400,
                    "invalid_request_error",
                    "missing_required_parameter",
                    "model is required: this relay routes each request by its model",
                    "model",
                    null);
        }
        return RelayError.of(
                404,
                "invalid_request_error",
                "model_not_found",
                "The model `" + model + "` is not served by this relay. Models come from: "
                        + chooser.whereModelsComeFrom() + ". GET /v1/models lists them.",
                "model",
                null);
    }

    /**
     * The attempts after the first, tried in order when an upstream fails before any byte reached
     * the client (connect error, 429, 5xx): each translates the same body with its own profile.
     */
    private final class Fallbacks {
        private final List<RelayChooser.Attempt> attempts;
        private final byte[] body;
        private final Recording recording;
        /** Issue 12: what the store resolved, for recording the answer whichever attempt gives it. */
        final @Nullable ResolvedRequest resolved;
        /** Issue 18: the request's admission charge, held until its answer is recorded. */
        final MemoryBudget.@Nullable Permit memory;

        private final AccessLog.Entry entry;

        private int next = 1;

        Fallbacks(
                List<RelayChooser.Attempt> attempts,
                byte[] body,
                Recording recording,
                @Nullable ResolvedRequest resolved,
                MemoryBudget.@Nullable Permit memory,
                AccessLog.Entry entry) {
            this.entry = entry;
            this.attempts = attempts;
            this.body = body;
            this.recording = recording;
            this.resolved = resolved;
            this.memory = memory;
        }

        boolean any() {
            return next < attempts.size();
        }

        /** The next attempt's relay and translation, or null when none is left. */
        @Nullable
        Next next(RelayError failure) {
            RelayChooser.Attempt failed = attempts.get(next - 1);
            settings.chooser().observe(failed.upstream(), failure.httpStatus() != 502, "HTTP " + failure.httpStatus());
            while (next < attempts.size()) {
                RelayChooser.Attempt attempt = attempts.get(next++);
                Translation translation;
                try {
                    translation = attempt.relay().translator().translate(body);
                } catch (InvalidRequestException e) {
                    LOG.info(() -> "fallback: " + attempt.label() + " refuses the request: " + e.getMessage());
                    continue;
                }
                LOG.info(() -> "fallback: " + failed.label() + " failed with HTTP " + failure.httpStatus()
                        + " before any byte reached the client; trying " + attempt.label());
                settings.metrics().fallback(failed.upstream(), attempt.upstream());
                entry.fallback(attempt.upstream());
                recording.note("fallback from " + failed.label() + " (HTTP " + failure.httpStatus() + ") to "
                        + attempt.label());
                return new Next(attempt.relay(), translation);
            }
            return null;
        }
    }

    private record Next(OkHttpRelay relay, Translation translation) {}

    private void stream(
            Request request,
            Response response,
            Callback callback,
            OkHttpRelay relay,
            Translation translation,
            Recording recording,
            Fallbacks fallbacks) {
        StreamedAnswer[] self = new StreamedAnswer[1];
        StreamedAnswer answer = new StreamedAnswer(
                request,
                response,
                callback,
                settings.scheduler(),
                settings.executor(),
                settings.keepAlive(),
                recording,
                settings.idleEvent(),
                () -> {
                    openStreams.remove(self[0]);
                    settings.metrics().openStreams(-1);
                });
        self[0] = answer;
        openStreams.add(answer);
        settings.metrics().openStreams(1);
        answer.watchClient();
        if (fallbacks.any()) {
            answer.fallback((failure, listener) -> {
                Next next = fallbacks.next(failure);
                return next == null
                        ? null
                        : next.relay().stream(
                                next.translation(),
                                AccessLog.entry(request)
                                        .observing(settings.responseState()
                                                .recording(listener, fallbacks.resolved, fallbacks.memory)));
            });
        }
        RelayCall call = relay.stream(
                translation,
                AccessLog.entry(request)
                        .observing(settings.responseState()
                                .recording(answer.listener(), fallbacks.resolved, fallbacks.memory)));
        answer.begin(call, settings.firstByteWindow());
    }

    /** The admission charge of {@code request}, kept until its response is recorded (issue 18). */
    private static MemoryBudget.@Nullable Permit memoryPermit(Request request) {
        return request.getAttribute(MemoryBudget.Permit.ATTRIBUTE) instanceof MemoryBudget.Permit permit
                ? permit
                : null;
    }

    private void respond(
            Request request,
            Response response,
            Callback callback,
            OkHttpRelay relay,
            Translation translation,
            Recording recording,
            Fallbacks fallbacks) {
        // The answer may arrive before respond() returns; whichever comes second removes the call.
        AtomicReference<@Nullable RelayCall> registered = new AtomicReference<>();
        AtomicBoolean answered = new AtomicBoolean();
        UpstreamTap tap = new UpstreamTap() {
            @Override
            public void onUpstreamResponse(int status, Headers headers) {
                AccessLog.entry(request).upstreamStatus(status);
                recording.upstreamResponse(status, headers);
            }

            @Override
            public void onUpstreamBytes(ByteBuffer bytes) {
                recording.upstreamBytes(bytes);
            }

            @Override
            public boolean admitAnswer(long heapBytes) {
                return chargeAnswer(
                        fallbacks.memory, heapBytes, request.getComponents().getScheduler());
            }
        };
        request.addFailureListener(failure -> {
            RelayCall running = registered.get();
            if (running != null) {
                openCalls.remove(running);
                running.cancel();
            }
        });
        respondWith(
                relay,
                translation,
                tap,
                registered,
                answered,
                AccessLog.entry(request),
                response,
                callback,
                recording,
                fallbacks);
    }

    /**
     * Issue 18: charges the heap a non-streamed answer will hold, as the adapter announces it before
     * reading the answer ({@link UpstreamTap#admitAnswer}), to the request's permit. It waits for room
     * as a request body does, up to {@link MemoryAdmissionHandler#ADMISSION_WAIT}: a burst of large
     * answers then takes turns instead of being refused at once, and the wait blocks only the OkHttp
     * thread that reads this one answer (a thread per call, with nothing else to do). Refused, the
     * client gets a 503 with {@code Retry-After}. The charge is given back with the request's, when
     * its answer is written, or after the store has recorded it ({@link
     * ResponseState#expectRecord}'s hold on the permit), since the answer is held until then.
     */
    private static boolean chargeAnswer(MemoryBudget.@Nullable Permit memory, long heapBytes, Scheduler scheduler) {
        if (memory == null) {
            return true; // no budget for this request (a handler without admission control)
        }
        CompletableFuture<Boolean> charged = new CompletableFuture<>();
        memory.growWhenFits(
                heapBytes, MemoryAdmissionHandler.ADMISSION_WAIT, scheduler, Runnable::run, charged::complete);
        try {
            // growWhenFits answers by its own deadline; the margin only guards against a lost answer.
            return charged.get(MemoryAdmissionHandler.ADMISSION_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** One non-streamed attempt; a connect error, 429 or 5xx moves on to the next fallback. */
    private void respondWith(
            OkHttpRelay relay,
            Translation translation,
            UpstreamTap tap,
            AtomicReference<@Nullable RelayCall> registered,
            AtomicBoolean answered,
            AccessLog.Entry entry,
            Response response,
            Callback callback,
            Recording recording,
            Fallbacks fallbacks) {
        answered.set(false);
        entry.upstreamCall();
        RelayCall call = relay.respond(translation, tap, answer -> {
            answered.set(true);
            entry.upstreamEnd();
            RelayCall done = registered.get();
            if (done != null) {
                openCalls.remove(done);
            }
            RelayError error = answer.error().orElse(null);
            if (error != null && (error.httpStatus() == 429 || error.httpStatus() >= 500) && fallbacks.any()) {
                Next next = fallbacks.next(error);
                if (next != null) {
                    respondWith(
                            next.relay(),
                            next.translation(),
                            tap,
                            registered,
                            answered,
                            entry,
                            response,
                            callback,
                            recording,
                            fallbacks);
                    return;
                }
            }
            recording.answer(answer.httpStatus(), answer.body());
            recording.close();
            AccessLog.noteAnswer(entry, answer.isSuccessful(), answer.body());
            // Issue 12: announced before the answer is sent, written after; errors are not kept.
            ResponseState.PendingRecord pending = answer.httpStatus() == 200
                    ? settings.responseState().expectRecord(fallbacks.resolved, fallbacks.memory)
                    : null;
            Answers.json(response, callback, answer.httpStatus(), answer.body(), answer.headers());
            settings.responseState().submit(pending, answer.body());
        });
        openCalls.add(call);
        registered.set(call);
        if (answered.get()) {
            openCalls.remove(call);
        }
    }
}
