package dev.responsesrelay.server.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.stream.EventTypes;
import dev.responsesrelay.internal.stream.WholeItemWriter;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.ResponsesListener;
import dev.responsesrelay.server.http.AccessLog;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.AsyncBodyRead;
import dev.responsesrelay.server.http.ClientKeys;
import dev.responsesrelay.server.http.ExchangeRecorder;
import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import dev.responsesrelay.server.http.MemoryAdmissionHandler;
import dev.responsesrelay.server.http.MemoryBudget;
import dev.responsesrelay.server.http.RequestBodies;
import dev.responsesrelay.server.metrics.RelayMetrics;
import dev.responsesrelay.server.routing.RelayChooser;
import dev.responsesrelay.state.ResolvedRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.jspecify.annotations.Nullable;

/**
 * One Responses WebSocket connection on {@code GET /v1/responses} (OpenAI "WebSocket mode",
 * developers.openai.com/api/docs/guides/websocket-mode; what Codex 0.169's built-in OpenAI provider
 * speaks, research §2; "research" is docs/research/codex-websocket-and-remote-compaction.md).
 *
 * <ul>
 *   <li>Client → server: flat {@code {"type":"response.create", …the POST /v1/responses body…}}
 *       (codex-api/src/common.rs {@code ResponsesWsRequest}); other types are ignored, as nothing
 *       else exists in 0.169 (research §2.1).
 *   <li>Server → client: each event that SSE would carry, as one Text frame holding exactly the SSE
 *       {@code data} JSON (codex responses_websocket.rs parses frames with the SSE event parser),
 *       through the same translator; nothing after the terminal event, since leftover frames would
 *       be read as part of the next exchange (research §2.2).
 *   <li>One exchange at a time, several per connection (research §2.4). Codex sends only the new
 *       items plus {@code previous_response_id} on a connection it used before (research §2.5), so
 *       the connection remembers the full input and output items of its last response; any other
 *       id is answered with {@code previous_response_not_found}, after which Codex reconnects and
 *       resends everything (observed with 0.169, research §2.3). Ids never resolve across sockets.
 *   <li>{@code generate:false} (Codex's startup prewarm) is answered at once, with no upstream call.
 *   <li>Errors before any event go out as {@code {"type":"error","status":…,"error":{…}}}, the shape
 *       Codex maps like an HTTP status (responses_websocket.rs; research §2.3): a 400 is final, a
 *       429/5xx is retried. After a stream started, {@code response.failed} as over SSE.
 *   <li>A message may be as large as a POST body ({@link RequestBodies#MAX_BODY_BYTES}; Codex sends
 *       screenshots inline); a larger one is answered with the POST's 413 as an error event, and the
 *       socket stays open.
 *   <li>Each message is charged against the relay's {@link MemoryBudget} as its parts arrive, like
 *       a POST body, and the charge is held until its exchange ends; a message that does not fit
 *       is answered with the POST's 503 {@code server_overloaded} as an error event, and the socket
 *       stays open (issue 18).
 *   <li>A client that closes or drops the socket cancels its upstream call. Pings are answered by
 *       Jetty.
 *   <li>With {@code --record}, each {@code response.create} is one recorded exchange ({@link
 *       ExchangeRecorder}): the message as {@code request.responses.json}, the upgrade request's
 *       headers, the Chat request and the upstream's bytes, and every frame sent back as one {@code
 *       data:} event in {@code response.responses.sse}.
 * </ul>
 */
public final class ResponsesWebSocket implements Session.Listener.AutoDemanding {
    private static final Logger LOG = Logger.getLogger(ResponsesWebSocket.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one frame write may block before the client counts as gone. */
    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final RelayChooser chooser;
    private final @Nullable String clientToken;
    private final ExchangeRecorder recorder;
    private final HttpFields upgradeHeaders;
    private final String recordedChatUrl;
    private final IdGenerator ids;
    private final Clock clock;
    private final ServedModels servedModels;
    /** Issue 13 §3: where idle events are timed and made, and after how long without a frame. */
    private final ScheduledExecutorService scheduler;

    private final Executor executor;
    private final Duration idleEvent;
    /** The running exchange's idle events; stopped when it is done. */
    private volatile @Nullable IdleEvents idleEvents;
    /** Issue 12: the response store, and this connection's client scope in it. */
    private final ResponseState responseState;

    private final String scope;
    private final Object lock = new Object();
    private @Nullable Session session;
    private @Nullable RelayCall running;
    private boolean busy;
    /** The last completed response on this socket: its id and its full input plus output items. */
    private @Nullable String lastResponseId;

    private @Nullable ArrayNode lastTranscript;

    private final AccessLog accessLog;
    private final String connectionId;
    private final AtomicInteger messages = new AtomicInteger();
    /** The running exchange's access-log entry and the status it ends with (an error frame's). */
    private volatile AccessLog.@Nullable Entry logEntry;

    private volatile int logStatus = 200;

    /**
     * The text message being received, as the parts Jetty handed over (one part at a time per
     * socket), kept as they are and joined once into UTF-8 bytes at the end: a {@code StringBuilder}
     * grew by copying and then held the message twice while it became a {@code String} (issue 18).
     */
    private final ArrayDeque<String> incoming = new ArrayDeque<>();

    /** The message's UTF-8 length so far. */
    private long incomingBytes;

    /** A high surrogate that ended the last part, joined to the next one so the pair encodes whole. */
    private @Nullable String incomingHighSurrogate;

    /** Why the message being received is refused (too large, over the budget); its parts are dropped. */
    private @Nullable RelayError incomingRefusal;

    /** Issue 18: what the in-flight messages may hold, shared with POST's admission. */
    private final MemoryBudget memoryBudget;

    /** The charge of the message being received; it moves to {@link #exchangeCharge} once it runs. */
    private volatile MemoryBudget.@Nullable Permit incomingCharge;

    /** The running exchange's charge, given back by {@link #done} (guarded by {@link #lock}). */
    private MemoryBudget.@Nullable Permit exchangeCharge;

    /** The size of the running exchange's message (guarded by {@link #lock}). */
    private long exchangeMessageBytes;

    /**
     * Issue 18: the charge of {@link #lastTranscript}, which holds about its message's bytes (its
     * large strings are slices of them) until the next response replaces it or the socket closes.
     * Without it, a few connections each keeping a screenshot ran a small heap out of memory
     * beside the messages the budget admitted (guarded by {@link #lock}).
     */
    private MemoryBudget.@Nullable Permit transcriptCharge;

    /** Set by {@link #forgetTranscript}: a transcript remembered after it is not kept (guarded by {@link #lock}). */
    private boolean socketClosed;

    /** The exchange being recorded; {@link Recording#NONE} between exchanges or when not recording. */
    private volatile Recording recording = Recording.NONE;

    /** The {@code route} label of WebSocket exchanges in the metrics. */
    static final String METRICS_ROUTE = "websocket /v1/responses";

    /** Set by {@link #creator} before the socket opens; null in tests that build a socket alone. */
    private volatile @Nullable RelayMetrics metrics;

    ResponsesWebSocket(
            RelayChooser chooser,
            @Nullable String clientToken,
            ExchangeRecorder recorder,
            HttpFields upgradeHeaders,
            String recordedChatUrl,
            IdGenerator ids,
            Clock clock,
            ResponseState responseState,
            String scope,
            ServedModels servedModels,
            AccessLog accessLog,
            String connectionId,
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration idleEvent,
            MemoryBudget memoryBudget) {
        this.memoryBudget = memoryBudget;
        this.scheduler = scheduler;
        this.executor = executor;
        this.idleEvent = idleEvent;
        this.responseState = responseState;
        this.scope = scope;
        this.servedModels = servedModels;
        this.accessLog = accessLog;
        this.connectionId = connectionId;
        this.chooser = chooser;
        this.clientToken = clientToken;
        this.recorder = recorder;
        this.upgradeHeaders = upgradeHeaders;
        this.recordedChatUrl = recordedChatUrl;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * The creator for the WebSocket mapping of {@code /v1/responses}: checks the client's key as
     * {@link RelayHandler} does for POST, and passes it upstream when the server is so configured.
     */
    public static WebSocketCreator creator(RelayHandler.Settings settings) {
        return creator(settings, AccessLog.off());
    }

    /**
     * The creator, logging the upgrade, each exchange, each refused message and the close to {@code
     * accessLog} (issue 17); the upgrade answer carries the connection's {@code x-request-id}, and
     * each exchange's id is that id with {@code .1}, {@code .2}, … appended.
     */
    public static WebSocketCreator creator(RelayHandler.Settings settings, AccessLog accessLog) {
        String recordedChatUrl = RelayHandler.recordedChatUrl(settings.relay());
        return (request, response, callback) -> {
            String token = ClientKeys.bearerToken(request.getHeaders());
            AccessLog.Entry upgrade = accessLog.begin(request, response);
            if (!settings.clientKeys().accepts(token)) {
                Answers.error(
                        response,
                        accessLog.completing(callback, response, upgrade.reason("missing or unknown API key")),
                        Answers.relayError(
                                401,
                                "invalid_request_error",
                                "invalid_api_key",
                                "missing or unknown API key: send Authorization: Bearer <key> with a key this relay"
                                        + " accepts"));
                return null;
            }
            ExchangeRecorder recorder = settings.recorder();
            ResponsesWebSocket socket = new ResponsesWebSocket(
                    settings.chooser(),
                    token,
                    recorder,
                    recorder.enabled() ? request.getHeaders().asImmutable() : HttpFields.EMPTY,
                    recordedChatUrl,
                    IdGenerator.random(),
                    Clock.systemUTC(),
                    settings.responseState(),
                    ResponseState.scope(token),
                    settings.servedModels(),
                    accessLog,
                    upgrade.id(),
                    settings.scheduler(),
                    settings.executor(),
                    settings.idleEvent(),
                    settings.memoryBudget());
            socket.metrics = settings.metrics();
            return socket;
        };
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        RelayMetrics counter = metrics;
        if (counter != null) {
            counter.webSockets(1);
        }
    }

    /**
     * Issue 16: a finished {@code response.create} (or a refused message) in the metrics, beside
     * POST's: route {@value #METRICS_ROUTE}.
     */
    private void count(AccessLog.Entry entry, int status) {
        RelayMetrics counter = metrics;
        if (counter != null) {
            String model = entry.model == null ? "" : entry.model;
            counter.request(METRICS_ROUTE, model, status, "responses");
            entry.observe(counter, METRICS_ROUTE, model);
        }
    }

    /**
     * Gathers one text message from its parts, up to {@link RequestBodies#MAX_BODY_BYTES} (issue 13
     * §2): a message may be as large as a POST body (Codex sends screenshots inline). Jetty's own
     * whole-message limit (64 KiB by default) would close the socket on a larger one, so Jetty hands
     * the parts over as they come (this method is the only text callback overridden; see Jetty's
     * JettyWebSocketFrameHandlerFactory) and the limit is enforced here: past it, the rest of the
     * message is read and dropped, and the client gets the 413 error event a POST would get, on the
     * socket that stays open.
     *
     * <p>Issue 18: each part is charged against the memory budget as it arrives, the way {@link
     * AsyncBodyRead} charges a POST body: the first {@link AsyncBodyRead#ADMIT_AFTER_BYTES} always,
     * the rest only if it fits now. This is Jetty's WebSocket thread, which must not wait, so a part
     * that does not fit refuses its message at once: the charge is given back, the rest is dropped
     * as it comes, and the client gets the POST's 503 {@code server_overloaded} as an error event.
     */
    @Override
    public void onWebSocketPartialText(String part, boolean last) {
        if (incomingRefusal == null) {
            String whole = part;
            String carried = incomingHighSurrogate;
            if (carried != null) {
                whole = carried + part;
                incomingHighSurrogate = null;
            }
            if (!last && !whole.isEmpty() && Character.isHighSurrogate(whole.charAt(whole.length() - 1))) {
                // Encoded alone, each half of a split pair would become '?'.
                incomingHighSurrogate = whole.substring(whole.length() - 1);
                whole = whole.substring(0, whole.length() - 1);
            }
            long partBytes = utf8Length(whole);
            incomingBytes += partBytes;
            if (incomingBytes > RequestBodies.MAX_BODY_BYTES) {
                refuseIncoming(RequestBodies.tooLarge());
            } else if (!charge(partBytes * MemoryBudget.REQUEST_AMPLIFICATION)) {
                refuseIncoming(MemoryAdmissionHandler.overloaded(
                        memoryBudget, incomingBytes * MemoryBudget.REQUEST_AMPLIFICATION));
            } else if (!whole.isEmpty()) {
                incoming.add(whole);
            }
        }
        if (!last) {
            return;
        }
        RelayError refusal = incomingRefusal;
        MemoryBudget.Permit taken = incomingCharge;
        incomingCharge = null;
        incomingRefusal = null;
        incomingHighSurrogate = null;
        long length = incomingBytes;
        incomingBytes = 0;
        if (refusal != null) {
            // The message itself was dropped as it came in: the recording holds an empty body.
            rejectMessage(refusal, new byte[0]);
            return;
        }
        MemoryBudget.Permit charge = taken != null ? taken : memoryBudget.open();
        byte[] message = joinIncoming(length);
        try {
            onMessage(message, charge);
        } catch (OutOfMemoryError e) {
            // While the message was parsed, before any exchange: refused like a message that did
            // not fit, and the socket stays open.
            LOG.log(Level.WARNING, "a WebSocket message could not be handled", e);
            sendError(failure(e, charge));
        } finally {
            // Every path that starts no exchange gives the charge back; one that did moved it to
            // exchangeCharge, which done() gives back (release is idempotent).
            synchronized (lock) {
                if (exchangeCharge != charge) {
                    charge.release();
                }
            }
        }
    }

    /** Charges {@code bytes} more to the message being received; false if they do not fit now. */
    private boolean charge(long bytes) {
        MemoryBudget.Permit permit = incomingCharge;
        if (permit == null) {
            permit = memoryBudget.open();
            incomingCharge = permit;
        }
        if (incomingBytes <= AsyncBodyRead.ADMIT_AFTER_BYTES) {
            permit.grow(bytes);
            return true;
        }
        return permit.tryGrow(bytes);
    }

    /** Refuses the message being received: its parts so far and its charge are dropped. */
    private void refuseIncoming(RelayError refusal) {
        incomingRefusal = refusal;
        incoming.clear();
        incomingHighSurrogate = null;
        releaseIncoming();
    }

    private void releaseIncoming() {
        MemoryBudget.Permit charge = incomingCharge;
        incomingCharge = null;
        if (charge != null) {
            charge.release();
        }
    }

    /**
     * The parts as one UTF-8 array of the measured length, each part let go once copied: the
     * message is held about once while it is joined, not twice.
     */
    private byte[] joinIncoming(long length) {
        byte[] message = new byte[(int) length];
        int filled = 0;
        String part;
        while ((part = incoming.poll()) != null) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > message.length - filled) {
                throw new IllegalStateException("a WebSocket message longer than measured");
            }
            System.arraycopy(bytes, 0, message, filled, bytes.length);
            filled += bytes.length;
        }
        // A lone surrogate (not valid UTF-16, which Jetty's UTF-8 decoding never yields) encodes as
        // one byte where two were counted.
        return filled == message.length ? message : Arrays.copyOf(message, filled);
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // A surrogate is half of a 4-byte sequence.
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /**
     * One whole message, charged by {@code charge}: the charge moves to the exchange it starts, if
     * any (the caller gives it back otherwise).
     */
    private void onMessage(byte[] message, MemoryBudget.Permit charge) {
        // Issue 18: large strings (a screenshot's base64) stay slices of the message's bytes, as a
        // POST body's do, instead of decoded copies; see relay-core's SlicingTreeReader.
        JsonNode parsed = Json.readTreeKeepingLargeStrings(message);
        if (parsed == null) {
            // Issue 17: where the message broke, in plain words, not the parser's internals.
            rejectMessage(
                    RelayError.invalidJson("a WebSocket message", new String(message, StandardCharsets.UTF_8))
                            .orElse(RelayError.invalidRequest("a WebSocket message is not valid JSON", null)),
                    message);
            return;
        }
        if (!(parsed instanceof ObjectNode create)) {
            rejectMessage(RelayError.invalidRequest("a WebSocket message must be a JSON object", null), message);
            return;
        }
        JsonNode type = create.get("type");
        if (type == null || !"response.create".equals(type.asText())) {
            LOG.fine(() -> "ignoring a WebSocket message of type " + type);
            return;
        }
        synchronized (lock) {
            if (busy) {
                rejectMessage(
                        RelayError.of(
                                409,
                                "invalid_request_error",
                                "conflict",
                                "a response is already in progress on this connection; send one response.create at a time",
                                null,
                                null),
                        message);
                return;
            }
            busy = true;
            exchangeCharge = charge;
            exchangeMessageBytes = message.length;
        }
        recording = recorder.begin("WEBSOCKET", "/v1/responses", upgradeHeaders, message);
        logStatus = 200;
        logEntry = messageEntry().model(create.path("model").asText(null));
        try {
            exchange(create);
        } catch (RuntimeException | Error e) {
            // An Error too: an OutOfMemoryError here used to skip done(), leaving the connection
            // busy and the message's charge taken from the budget for good (issue 18).
            LOG.log(Level.WARNING, "a WebSocket exchange failed", e);
            sendError(failure(e, charge));
            done();
        }
    }

    /**
     * The error event for a message the relay failed on: out of memory is the budget's own 503
     * {@code server_overloaded}, which Codex retries; anything else a 500 naming it.
     */
    private RelayError failure(Throwable e, MemoryBudget.Permit charge) {
        return e instanceof OutOfMemoryError
                ? MemoryAdmissionHandler.overloaded(memoryBudget, charge.held())
                : RelayError.of(500, "server_error", "server_error", "the relay failed: " + e, null, null);
    }

    private void exchange(ObjectNode create) {
        // The parsed message is this exchange's alone: changed in place, no copy of its tree.
        ObjectNode body = create;
        body.remove("type");
        JsonNode generate = body.remove("generate");
        // Issue 12: chains and item references resolve through the store, so a new connection can
        // continue a chain; the connection's own last response (below) still answers when the store
        // cannot (a store:false chain, Codex's prewarm, a database that is down).
        ResolvedRequest resolved = null;
        if (responseState.store() != null) {
            JsonNode named = body.get("previous_response_id");
            boolean namesLastResponse;
            synchronized (lock) {
                namesLastResponse = named != null && named.asText().equals(lastResponseId);
            }
            try {
                // No waiting for another relay's write when this connection has the response itself.
                resolved = responseState.resolve(scope, Json.writeBytes(body), !namesLastResponse);
                if (resolved != null
                        && Json.readTreeKeepingLargeStrings(resolved.body()) instanceof ObjectNode resolvedBody) {
                    body = resolvedBody;
                }
            } catch (RelayException e) {
                if (!namesLastResponse) {
                    sendError(e.error());
                    done();
                    return;
                }
                resolved = null;
            }
        }
        JsonNode previous = body.remove("previous_response_id");
        ArrayNode input = inputOf(body);
        if (previous != null && !previous.isNull()) {
            String id = previous.asText();
            ArrayNode transcript;
            synchronized (lock) {
                transcript = id.equals(lastResponseId) ? lastTranscript : null;
            }
            if (transcript == null) {
                // Codex 0.169 recovers from exactly this code by reconnecting and resending the full
                // input (research §2.3, obs log4); any other 400 would end its turn.
                sendError(RelayError.of(
                        400,
                        "invalid_request_error",
                        "previous_response_not_found",
                        "previous response " + id + " is not known on this connection",
                        "previous_response_id",
                        null));
                done();
                return;
            }
            ArrayNode full = transcript.deepCopy();
            full.addAll(input);
            input = full;
        }
        body.set("input", input);
        if (generate != null && generate.isBoolean() && !generate.booleanValue()) {
            prewarm(body, input);
            return;
        }
        // Events always stream over a WebSocket; Codex sends stream:true, the guide says omit it.
        body.put("stream", true);
        // Routed by model like POST; a WebSocket exchange has no fallbacks (docs/OPERATIONS.md).
        String model = body.path("model").isTextual() ? body.get("model").asText() : null;
        List<RelayChooser.Attempt> attempts = chooser.choose(model, clientToken);
        if (attempts.isEmpty()) {
            sendError(RelayHandler.modelNotRouted(model, chooser));
            done();
            return;
        }
        OkHttpRelay relay = attempts.get(0).relay();
        AccessLog.Entry measured = logEntry;
        if (measured != null) {
            measured.upstream(attempts.get(0).upstream());
        }
        Translation translation;
        try {
            // Issue 13 §0: a model the one upstream does not list goes to --model, or is refused
            // with an error event on the open socket.
            translation = servedModels.translate(Json.writeBytes(body), model, relay);
        } catch (RelayException e) {
            sendError(e.error());
            done();
            return;
        }
        TranslationWarnings.report(translation.warnings(), "WebSocket response.create", recording); // issue 13 §5
        recording.upstreamRequest(recordedChatUrl, translation);
        ArrayNode fullInput = input;
        AccessLog.Entry entry = logEntry;
        MemoryBudget.Permit charge;
        synchronized (lock) {
            charge = exchangeCharge;
        }
        ResponsesListener listener = new Listener(fullInput, resolved, charge);
        RelayCall call = relay.stream(translation, entry == null ? listener : entry.observing(listener));
        synchronized (lock) {
            if (busy) {
                running = call;
                // Issue 13 §3: Codex counts WebSocket messages, so a silent upstream gets frames.
                idleEvents = IdleEvents.start(scheduler, executor, idleEvent, () -> running);
            }
        }
    }

    /**
     * {@code generate:false}: a response with no output, whose input later requests chain from. Its
     * events come from the core ({@link WholeItemWriter#prewarm}), like every other answer's.
     */
    private void prewarm(ObjectNode body, ArrayNode input) {
        String id = ids.newId("resp_");
        List<SseEvent> events = WholeItemWriter.prewarm(
                id, body.path("model").asText(""), clock.instant().getEpochSecond());
        remember(id, input, JSON.createArrayNode());
        for (SseEvent event : events) {
            if (!send(event.data())) {
                break;
            }
        }
        done();
    }

    private static ArrayNode inputOf(ObjectNode body) {
        JsonNode input = body.get("input");
        if (input instanceof ArrayNode items) {
            return items;
        }
        ArrayNode items = JSON.createArrayNode();
        if (input != null && input.isTextual()) {
            // The string form is one user message (Responses API "input": string).
            items.addObject().put("type", "message").put("role", "user").put("content", input.textValue());
        }
        return items;
    }

    private void remember(String id, ArrayNode input, ArrayNode output) {
        ArrayNode transcript = input.deepCopy();
        transcript.addAll(output);
        MemoryBudget.Permit kept = memoryBudget.open();
        MemoryBudget.Permit replaced;
        synchronized (lock) {
            lastResponseId = id;
            lastTranscript = transcript;
            // Charged without waiting: the transcript is held already; the charge makes the
            // messages that follow wait for room or be refused instead of running out of heap.
            if (socketClosed) {
                replaced = kept; // an answer that ended after the close: nothing is kept
            } else {
                kept.grow(exchangeMessageBytes);
                replaced = transcriptCharge;
                transcriptCharge = kept;
            }
        }
        if (replaced != null) {
            replaced.release();
        }
    }

    /** Gives back {@link #transcriptCharge}: the socket is closed, and its transcript with it. */
    private void forgetTranscript() {
        MemoryBudget.Permit kept;
        synchronized (lock) {
            socketClosed = true;
            lastResponseId = null;
            lastTranscript = null;
            kept = transcriptCharge;
            transcriptCharge = null;
        }
        if (kept != null) {
            kept.release();
        }
    }

    private void done() {
        IdleEvents idle;
        Recording finished;
        MemoryBudget.Permit charge;
        synchronized (lock) {
            // Under the lock that starts them, so an exchange that ends at once stops its timer too.
            idle = idleEvents;
            idleEvents = null;
            busy = false;
            running = null;
            finished = recording;
            recording = Recording.NONE;
            charge = exchangeCharge;
            exchangeCharge = null;
        }
        if (idle != null) {
            idle.stop();
        }
        if (charge != null) {
            // Issue 18: the exchange is over; a pending store record keeps its own hold.
            charge.release();
        }
        finished.close();
        AccessLog.Entry entry = logEntry;
        logEntry = null;
        if (entry != null) {
            accessLog.finish(entry, logStatus, null);
            count(entry, logStatus);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        cancel("the client closed the WebSocket (" + statusCode + ")");
        releaseIncoming(); // a message cut off by the close
        forgetTranscript();
        RelayMetrics counter = metrics;
        if (counter != null && session != null) {
            counter.webSockets(-1);
        }
        AccessLog.Entry close = accessLog.begin(connectionId, "WEBSOCKET close /v1/responses");
        close.reason("close code " + statusCode + (reason == null || reason.isBlank() ? "" : " " + reason) + " after "
                + messages.get() + " message(s)");
        accessLog.finish(close, statusCode, null);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(Level.FINE, "WebSocket error", cause);
        cancel("WebSocket error: " + cause);
        releaseIncoming();
        forgetTranscript();
    }

    private void cancel(String why) {
        RelayCall call;
        synchronized (lock) {
            call = running;
            running = null;
        }
        if (call != null) {
            LOG.fine(() -> "cancelling the upstream call: " + why);
            recording.note("upstream cancelled: " + why);
            call.cancel();
        }
    }

    /**
     * Answers a message that starts no exchange (not JSON, or a second {@code response.create}
     * while one streams) with an error frame that is not recorded: a recording holds the frames of
     * one exchange, and a rejected message sent mid-stream is not part of the running one.
     */
    private void rejectMessage(RelayError error, byte[] message) {
        // Issue 17: a refused message is logged, and recorded as an exchange of its own, so that a
        // bug report made with --record shows it too.
        Recording refused = recorder.begin("WEBSOCKET", "/v1/responses", upgradeHeaders, message);
        refused.answer(error.httpStatus(), errorFrame(error));
        refused.close();
        AccessLog.Entry entry = messageEntry();
        entry.error(error);
        accessLog.finish(entry, error.httpStatus(), null);
        count(entry, error.httpStatus());
        send(errorFrame(error), false);
    }

    private AccessLog.Entry messageEntry() {
        return accessLog.begin(connectionId + "." + messages.incrementAndGet(), "WEBSOCKET /v1/responses");
    }

    /** {@code {"type":"error","status":…,"error":{…}}}: Codex reads the status like an HTTP one. */
    private void sendError(RelayError error) {
        logStatus = error.httpStatus();
        AccessLog.Entry entry = logEntry;
        if (entry != null) {
            entry.error(error);
        }
        send(errorFrame(error));
    }

    private static String errorFrame(RelayError error) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("type", EventTypes.ERROR);
        frame.put("status", error.httpStatus());
        try {
            frame.set("error", JSON.readTree(error.toJson()).get("error"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("RelayError.toJson() is JSON", e);
        }
        error.retryAfterHeader().ifPresent(value -> frame.putObject("headers").put("retry-after", value));
        return frame.toString();
    }

    /**
     * Sends one Text frame and waits for it to be written, so a slow client slows the upstream
     * read (ResponsesListener's backpressure) instead of piling up frames. False if the client is
     * gone.
     */
    private boolean send(String text) {
        return send(text, true);
    }

    private boolean send(String text, boolean partOfExchange) {
        Session open = session;
        if (open == null || !open.isOpen()) {
            return false;
        }
        Recording current = recording;
        if (partOfExchange && current != Recording.NONE) {
            current.outboundEvents(SseEncoder.encodeData(text).getBytes(StandardCharsets.UTF_8));
        }
        AccessLog.Entry measured = logEntry;
        if (partOfExchange && measured != null) {
            measured.firstByte();
        }
        Callback.Completable written = new Callback.Completable();
        open.sendText(text, written);
        try {
            written.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "a WebSocket write failed", e);
            open.close(StatusCode.SHUTDOWN, "write failed", Callback.NOOP);
            return false;
        }
    }

    /** Writes one exchange's events as frames and remembers its outcome for chaining. */
    private final class Listener extends ResponsesListener {
        private final ArrayNode fullInput;
        private final @Nullable ResolvedRequest resolved;
        /** Issue 18: the message's charge, held by a pending store record until it is written. */
        private final MemoryBudget.@Nullable Permit charge;

        Listener(ArrayNode fullInput, @Nullable ResolvedRequest resolved, MemoryBudget.@Nullable Permit charge) {
            this.fullInput = fullInput;
            this.resolved = resolved;
            this.charge = charge;
        }

        @Override
        public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
            recording.upstreamResponse(status, headers);
        }

        @Override
        public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
            recording.upstreamBytes(bytes);
        }

        @Override
        public void onEvents(RelayCall call, List<SseEvent> events) {
            IdleEvents idle = idleEvents;
            if (idle != null) {
                idle.sent();
            }
            for (SseEvent event : events) {
                if (event.event().equals(EventTypes.COMPLETED)) {
                    rememberCompleted(event.data());
                }
                // Issue 12: announced before the frame is sent, written after, off the stream's path.
                boolean terminal = event.event().equals(EventTypes.COMPLETED)
                        || event.event().equals(EventTypes.INCOMPLETE);
                ResponseState.PendingRecord pending = terminal ? responseState.expectRecord(resolved, charge) : null;
                if (!send(event.data())) {
                    responseState.abandon(pending);
                    // The client is gone: throwing cancels the upstream (ResponsesListener contract).
                    throw new IllegalStateException("the WebSocket client is gone");
                }
                responseState.submit(pending, event.data());
            }
        }

        @Override
        public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
            // Codex already has response.created; still, an error frame with the upstream's status
            // keeps its retry semantics (429 waits, 400 is final), as the HTTP status would over SSE.
            sendError(error);
        }

        @Override
        public void onClosed(RelayCall call) {
            done();
        }

        private void rememberCompleted(String data) {
            try {
                JsonNode response = JSON.readTree(data).get("response");
                if (response != null && response.get("output") instanceof ArrayNode output) {
                    remember(response.path("id").asText(), fullInput, output);
                }
            } catch (JsonProcessingException e) {
                LOG.log(Level.WARNING, "the translator wrote a response.completed that is not JSON", e);
            }
        }
    }
}
