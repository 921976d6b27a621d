package dev.responsesrelay.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.stream.EventTypes;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.ResponsesListener;
import dev.responsesrelay.server.metrics.RelayMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import okhttp3.Headers;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * One log line per request (issue 17: rejections, upstream errors and WebSocket closes left no
 * trace; issue 16 §Operations asks for the same line): request id, route, model, status, upstream
 * status, milliseconds to the first byte sent and in all, tokens, and for a refusal its reason.
 * Never content, never keys: the model name and the error message a client was sent are the only
 * texts taken from an exchange.
 *
 * <p>The id is the client's {@code x-request-id} when it sent a short plain one, so that a line can
 * be found from the client's side, else a fresh {@code req_…}; it is echoed as the {@code
 * x-request-id} response header.
 *
 * <p>Lines go to the {@code dev.responsesrelay.access} logger at INFO ({@code GET /healthz} at FINE,
 * since probes would drown everything else), in {@link Format#TEXT} or {@link Format#JSON}.
 *
 * <p>What a line says is measured once per exchange into a {@link MeasuredExchange}, which every
 * {@link #listen listener} receives too, whatever the format (even {@link Format#OFF}): metrics
 * read the same numbers the log shows.
 */
public final class AccessLog {
    /** The response header carrying the request id. */
    public static final String REQUEST_ID_HEADER = "x-request-id";

    /** The logger every line goes to. */
    public static final String LOGGER_NAME = "dev.responsesrelay.access";

    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ATTRIBUTE = AccessLog.class.getName();
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** Error answers are short; the reason is read from at most this much of the body. */
    private static final int MAX_CAPTURED_BYTES = 8 * 1024;

    private static final int MAX_REASON_CHARS = 300;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How lines are written. */
    public enum Format {
        /** {@code key=value} pairs, values with spaces quoted. */
        TEXT,
        /** One JSON object per line. */
        JSON,
        /** No access log. */
        OFF;

        /** Parses {@code --access-log}'s value. */
        public static Format byName(String name, String source) {
            for (Format format : values()) {
                if (format.name().equalsIgnoreCase(name.strip())) {
                    return format;
                }
            }
            throw new IllegalArgumentException(source + " must be text, json or off but was " + name);
        }
    }

    private final Format format;
    private final List<Consumer<MeasuredExchange>> listeners = new CopyOnWriteArrayList<>();

    /** Creates an access log writing lines in {@code format}. */
    public AccessLog(Format format) {
        this.format = format;
    }

    /** An access log that writes nothing. */
    public static AccessLog off() {
        return new AccessLog(Format.OFF);
    }

    /**
     * Hands every finished exchange to {@code listener}, once, on the thread that finished it (keep
     * it short: a counter's increment, not I/O). A listener that throws is logged and skipped.
     */
    public void listen(Consumer<MeasuredExchange> listener) {
        listeners.add(listener);
    }

    /**
     * Starts the entry of an HTTP request: sets the {@code x-request-id} header and remembers the
     * entry on the request for {@link #entry}. A request has one entry: one begun already (by the
     * admission handler when the request arrived, issue 18) is continued, not replaced.
     */
    public Entry begin(Request request, Response response) {
        if (request.getAttribute(ATTRIBUTE) instanceof Entry begun) {
            response.getHeaders().put(REQUEST_ID_HEADER, begun.id);
            return begun;
        }
        Entry entry = new Entry(
                requestId(request.getHeaders().get(REQUEST_ID_HEADER)),
                request.getMethod() + " " + Request.getPathInContext(request));
        response.getHeaders().put(REQUEST_ID_HEADER, entry.id);
        request.setAttribute(ATTRIBUTE, entry);
        return entry;
    }

    /** Starts the entry of a WebSocket message or event with its own {@code id}; {@code route} says which. */
    public Entry begin(String id, String route) {
        return new Entry(id, route);
    }

    /** The entry {@link #begin(Request, Response)} put on {@code request}; a detached one if none. */
    public static Entry entry(Request request) {
        return request.getAttribute(ATTRIBUTE) instanceof Entry entry ? entry : new Entry(newId(), "?");
    }

    /** Notes the usage of a complete (non-streamed) Responses answer {@code body}, if successful. */
    public static void noteAnswer(Entry entry, boolean successful, String body) {
        if (!successful) {
            return;
        }
        try {
            entry.responseObject(JSON.readTree(body));
        } catch (JsonProcessingException e) {
            // Not JSON: the answer itself says what went wrong; nothing to count.
        }
    }

    /**
     * The response wrapper that notes the first byte, the status and, for an error answer, its
     * message; and the callback that writes the line when the exchange is over.
     */
    public Response observe(Response response, Entry entry) {
        return new Response.Wrapper(response.getRequest(), response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback callback) {
                entry.wrote(getStatus(), content);
                super.write(last, content, callback);
            }
        };
    }

    /** {@code callback}, which also writes {@code entry}'s line with the response's final status. */
    public Callback completing(Callback callback, Response response, Entry entry) {
        return new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                finish(entry, response.getStatus(), null);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                finish(
                        entry,
                        response.getStatus(),
                        "connection failed: " + failure.getClass().getSimpleName());
                super.failed(failure);
            }
        };
    }

    /**
     * Ends {@code entry}, once: measures it, hands the {@link MeasuredExchange} to the listeners and
     * writes its line. {@code failure} is the reason when nothing else said why it failed.
     */
    public void finish(Entry entry, int status, @Nullable String failure) {
        if (!entry.logged.compareAndSet(false, true)) {
            return;
        }
        if (failure != null && entry.reason == null) {
            entry.reason = failure;
        }
        MeasuredExchange exchange = entry.measure(status, System.nanoTime());
        entry.measured = exchange;
        for (Consumer<MeasuredExchange> listener : listeners) {
            try {
                listener.accept(exchange);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an access-log listener failed", e);
            }
        }
        Level level = entry.route.endsWith(" /healthz") ? Level.FINE : Level.INFO;
        if (format == Format.OFF || !LOG.isLoggable(level)) {
            return;
        }
        LOG.log(level, line(exchange));
    }

    String line(MeasuredExchange exchange) {
        ObjectNode fields = JSON.createObjectNode();
        fields.put("request_id", exchange.requestId());
        fields.put("route", exchange.route());
        if (exchange.model() != null) {
            fields.put("model", exchange.model());
        }
        if (exchange.upstream() != null) {
            fields.put("upstream", exchange.upstream());
        }
        fields.put("status", exchange.status());
        if (exchange.upstreamStatus() > 0) {
            fields.put("upstream_status", exchange.upstreamStatus());
        }
        if (exchange.firstByteNanos() >= 0) {
            fields.put("first_byte_ms", exchange.firstByteNanos() / 1_000_000);
        }
        fields.put("total_ms", exchange.totalNanos() / 1_000_000);
        MeasuredExchange.Tokens tokens = exchange.tokens();
        if (tokens != null) {
            fields.put("input_tokens", tokens.input());
            fields.put("output_tokens", tokens.output());
            if (tokens.cached() > 0) {
                fields.put("cached_tokens", tokens.cached());
            }
            if (tokens.reasoning() > 0) {
                fields.put("reasoning_tokens", tokens.reasoning());
            }
        }
        if (exchange.fallbacks() > 0) {
            fields.put("fallbacks", exchange.fallbacks());
        }
        if (exchange.outcome() != null) {
            fields.put("outcome", exchange.outcome());
        }
        if (exchange.reason() != null) {
            fields.put("reason", exchange.reason());
        }
        if (format == Format.JSON) {
            return fields.toString();
        }
        StringBuilder text = new StringBuilder("access");
        fields.properties().forEach(field -> {
            text.append(' ').append(field.getKey()).append('=');
            JsonNode value = field.getValue();
            String plain = value.asText();
            text.append(value.isTextual() && !CLIENT_ID.matcher(plain).matches() ? value.toString() : plain);
        });
        return text.toString();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_REASON_CHARS ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "…";
    }

    private static String requestId(@Nullable String fromClient) {
        return fromClient != null && CLIENT_ID.matcher(fromClient).matches() ? fromClient : newId();
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "req_" + HexFormat.of().formatHex(bytes);
    }

    /** What is known about one request so far; filled in from the threads that handle it. */
    public static final class Entry {
        final String id;
        final String route;
        final long startNanos = System.nanoTime();
        final AtomicBoolean logged = new AtomicBoolean();
        public volatile @Nullable String model;
        volatile @Nullable String upstream;
        volatile int upstreamStatus;
        volatile long firstByteNanos;
        volatile long upstreamStartNanos;
        volatile long upstreamFirstByteNanos;
        volatile long upstreamEndNanos;
        final AtomicInteger fallbacks = new AtomicInteger();
        /** Counts upstream calls, so that a failed call's late callbacks do not touch its successor's. */
        private final AtomicInteger calls = new AtomicInteger();
        /** Set when the exchange is finished: what the line and the listeners got. */
        volatile @Nullable MeasuredExchange measured;

        volatile long inputTokens = -1;
        volatile long outputTokens;
        volatile long cachedTokens;
        volatile long reasoningTokens;
        volatile @Nullable String outcome;
        volatile @Nullable String reason;
        private final Object captureLock = new Object();
        private @Nullable ByteArrayOutputStream captured;

        Entry(String id, String route) {
            this.id = id;
            this.route = route;
        }

        /** The request id. */
        public String id() {
            return id;
        }

        /** The model the request asked for. */
        public Entry model(@Nullable String name) {
            this.model = name == null || name.isBlank() ? null : name;
            return this;
        }

        /** The configured upstream (routing's name) the request is sent to. */
        public Entry upstream(@Nullable String name) {
            this.upstream = name;
            return this;
        }

        /** The upstream's HTTP status; its arrival is the upstream's first byte. */
        public Entry upstreamStatus(int status) {
            this.upstreamStatus = status;
            if (upstreamFirstByteNanos == 0) {
                upstreamFirstByteNanos = System.nanoTime();
            }
            return this;
        }

        /** An upstream call starts now (the first, or the next after a fallback); returns its number. */
        public int upstreamCall() {
            upstreamFirstByteNanos = 0;
            upstreamEndNanos = 0;
            upstreamStatus = 0;
            upstreamStartNanos = System.nanoTime();
            return calls.incrementAndGet();
        }

        private boolean current(int call) {
            return calls.get() == call;
        }

        /** The upstream call's answer ended now. */
        public void upstreamEnd() {
            if (upstreamEndNanos == 0) {
                upstreamEndNanos = System.nanoTime();
            }
        }

        /**
         * The upstream failed before any byte reached the client and {@code next} takes over: the
         * failure is no longer the exchange's reason (the routing log line says it), and is counted.
         */
        public void fallback(String next) {
            fallbacks.incrementAndGet();
            reason = null;
            upstream = next;
        }

        /**
         * Issue 16: this exchange's timings and token counts into {@code metrics}, when it is over:
         * the numbers its access-log line shows, measured once by {@link AccessLog#finish}.
         */
        public void observe(RelayMetrics metrics, String route, String model) {
            MeasuredExchange exchange = measured;
            if (exchange == null) { // not finished through an access log: measure now
                exchange = measure(0, System.nanoTime());
            }
            MeasuredExchange.Tokens tokens = exchange.tokens();
            metrics.exchange(
                    route,
                    model,
                    sinceStart(exchange.upstreamHeadersNanos()),
                    sinceStart(exchange.firstByteNanos()),
                    exchange.totalNanos() / 1e9,
                    tokens == null
                            ? RelayMetrics.Usage.UNKNOWN
                            : new RelayMetrics.Usage(
                                    tokens.input(), tokens.cached(), tokens.output(), tokens.reasoning()));
        }

        private static double sinceStart(long nanos) {
            return nanos < 0 ? -1 : nanos / 1e9;
        }

        /** Why the request was refused or failed, when the answer does not say it in an error body. */
        public Entry reason(String why) {
            this.reason = why;
            return this;
        }

        /** The time of the first byte sent to the client, unless noted already. */
        public void firstByte() {
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime();
            }
        }

        /**
         * Reads usage and outcome from a Responses object ({@code response.completed}'s {@code
         * response}, or a non-streamed answer): token counts only, nothing of the content.
         */
        public void responseObject(JsonNode response) {
            String status = response.path("status").asText("");
            if (!status.isEmpty()) {
                outcome = status;
            }
            if (response.path("error").path("message").isTextual() && reason == null) {
                reason = response.path("error").path("message").asText();
            }
            JsonNode usage = response.path("usage");
            if (usage.isObject()) {
                inputTokens = usage.path("input_tokens").asLong(0);
                outputTokens = usage.path("output_tokens").asLong(0);
                cachedTokens =
                        usage.path("input_tokens_details").path("cached_tokens").asLong(0);
                reasoningTokens = usage.path("output_tokens_details")
                        .path("reasoning_tokens")
                        .asLong(0);
            }
        }

        /** Reads the outcome and usage from a terminal Responses event, ignoring every other event. */
        public void event(SseEvent event) {
            String type = event.event();
            if (!EventTypes.isTerminal(type)) {
                return;
            }
            try {
                responseObject(outcomeFields(event.data()));
            } catch (IOException e) {
                outcome = type.substring("response.".length());
            }
        }

        /**
         * The {@code status}, {@code error} and {@code usage} of a terminal event's {@code
         * response}, read without building the rest: the output of a long answer is megabytes, and a
         * tree of it at the moment the terminal event is written is what ran a small heap out of
         * memory and ended streams without their terminal event (issue 18).
         */
        private static JsonNode outcomeFields(String terminalEvent) throws IOException {
            ObjectNode fields = JSON.createObjectNode();
            try (JsonParser parser = JSON.createParser(terminalEvent)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new JsonParseException(parser, "a terminal event is a JSON object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (name.equals("response") && value == JsonToken.START_OBJECT) {
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String field = parser.currentName();
                            parser.nextToken();
                            if (field.equals("status") || field.equals("error") || field.equals("usage")) {
                                fields.set(field, JSON.readTree(parser));
                            } else {
                                parser.skipChildren();
                            }
                        }
                        return fields;
                    }
                    parser.skipChildren();
                }
            }
            return fields;
        }

        /** Notes a refused error answer's message from its {@link RelayError}. */
        public void error(RelayError error) {
            if (reason == null) {
                reason = error.message();
            }
        }

        void wrote(int status, ByteBuffer content) {
            if (content.hasRemaining()) {
                firstByte();
            }
            if (status < 400 || !content.hasRemaining()) {
                return;
            }
            synchronized (captureLock) {
                ByteArrayOutputStream out = captured;
                if (out == null) {
                    out = new ByteArrayOutputStream();
                    captured = out;
                }
                ByteBuffer copy = content.slice();
                int n = Math.min(copy.remaining(), MAX_CAPTURED_BYTES - out.size());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    copy.get(bytes);
                    out.write(bytes, 0, n);
                }
            }
        }

        MeasuredExchange measure(int status, long endNanos) {
            String why = reason != null ? reason : capturedReason();
            long upstreamStart = upstreamStartNanos;
            long upstreamFirst = upstreamFirstByteNanos;
            long upstreamEnd = upstreamEndNanos;
            long firstByte = firstByteNanos;
            return new MeasuredExchange(
                    id,
                    route,
                    model,
                    upstream,
                    status,
                    upstreamStatus,
                    since(firstByte),
                    since(upstreamStart),
                    upstreamStart == 0 ? -1 : since(upstreamFirst),
                    upstreamStart == 0 ? -1 : (upstreamEnd == 0 ? endNanos : upstreamEnd) - startNanos,
                    endNanos - startNanos,
                    inputTokens < 0
                            ? null
                            : new MeasuredExchange.Tokens(inputTokens, cachedTokens, reasoningTokens, outputTokens),
                    outcome,
                    why == null ? null : abbreviate(why),
                    fallbacks.get());
        }

        private long since(long nanos) {
            return nanos == 0 ? -1 : nanos - startNanos;
        }

        @Nullable
        String capturedReason() {
            byte[] bytes;
            synchronized (captureLock) {
                ByteArrayOutputStream out = captured;
                if (out == null) {
                    return null;
                }
                bytes = out.toByteArray();
            }
            try {
                JsonNode message = JSON.readTree(bytes).path("error").path("message");
                return message.isTextual() ? message.asText() : null;
            } catch (IOException e) {
                return new String(bytes, StandardCharsets.UTF_8)
                                .toLowerCase(Locale.ROOT)
                                .contains("<html")
                        ? "an HTML error page"
                        : null;
            }
        }

        /**
         * {@code listener}, for an upstream call that starts now: also notes the upstream's status,
         * first byte and end, usage and the outcome into this entry. Every callback is passed on
         * unchanged; a call replaced by a fallback no longer changes the entry.
         */
        public ResponsesListener observing(ResponsesListener listener) {
            Entry entry = this;
            int number = entry.upstreamCall();
            return new ResponsesListener() {
                @Override
                public void onUpstreamResponse(RelayCall call, int status, Headers headers) {
                    if (entry.current(number)) {
                        entry.upstreamStatus(status);
                    }
                    listener.onUpstreamResponse(call, status, headers);
                }

                @Override
                public void onUpstreamBytes(RelayCall call, ByteBuffer bytes) {
                    listener.onUpstreamBytes(call, bytes);
                }

                @Override
                public void onEvents(RelayCall call, List<SseEvent> events) {
                    if (entry.current(number)) {
                        for (SseEvent event : events) {
                            entry.event(event);
                        }
                    }
                    listener.onEvents(call, events);
                }

                @Override
                public void onUpstreamError(RelayCall call, RelayError error, List<SseEvent> events) {
                    if (entry.current(number)) {
                        entry.error(error);
                        for (SseEvent event : events) {
                            entry.event(event);
                        }
                    }
                    listener.onUpstreamError(call, error, events);
                }

                @Override
                public void onClosed(RelayCall call) {
                    if (entry.current(number)) {
                        entry.upstreamEnd();
                    }
                    listener.onClosed(call);
                }
            };
        }
    }
}
