package dev.responsesrelay.okhttp;

import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.Translation;
import dev.responsesrelay.okhttp.internal.ChatRequestBody;
import dev.responsesrelay.okhttp.internal.CompletionExchange;
import dev.responsesrelay.okhttp.internal.ModelsCall;
import dev.responsesrelay.okhttp.internal.StreamingExchange;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Runs translated Responses exchanges against a real Chat Completions upstream with OkHttp.
 *
 * <pre>{@code
 * OkHttpClient http = OkHttpRelay.newClientBuilder().build();   // share one per process
 * OkHttpRelay relay = OkHttpRelay.create(http, Upstream.builder("https://api.deepseek.com/v1")
 *     .bearerToken(System.getenv("DEEPSEEK_API_KEY"))
 *     .build());
 * Translation t = relay.translator().translate(requestBody);   // InvalidRequestException → 400
 * RelayCall call = relay.stream(t, new ResponsesListener() {
 *     public void onEvents(RelayCall call, List<SseEvent> events) { write(events); }
 * });
 * // client went away: call.cancel();
 * }</pre>
 *
 * <p><b>The OkHttpClient is yours.</b> The adapter never creates a hidden client of its own: it
 * derives one with {@link OkHttpClient#newBuilder()}, which shares your connection pool and
 * dispatcher, and changes only the read timeout (the idle timeout, see {@link
 * Builder#idleTimeout}). It deliberately does not replace your {@link Dispatcher}, whose limits may
 * be there on purpose. But OkHttp's default allows only 5 concurrent requests per host, and a
 * streamed answer holds its request for minutes: the sixth concurrent stream to one provider would
 * wait silently in the queue. Raise {@link Dispatcher#setMaxRequestsPerHost} (and {@link
 * Dispatcher#setMaxRequests}) in the client you pass, or start from {@link #newClientBuilder()}.
 *
 * <p>Immutable and thread-safe; share one instance.
 */
public final class OkHttpRelay {
    /**
     * The default longest silence between two reads from the upstream: 5 minutes, the same as Codex's
     * own {@code stream_idle_timeout_ms}, since reasoning models can think for minutes before their
     * first token.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * The concurrency {@link #newClientBuilder()} allows, in total and per host. A relay's streams
     * are long and mostly idle (a reasoning model thinks for minutes), and a queued call leaves its
     * client waiting with nothing but keep-alives, so the cap is set well above the 1,000 concurrent
     * streams the load benchmark runs: with 256, three quarters of them queued (docs/BENCHMARKS.md).
     * OkHttp runs one thread per call; 256 live streams measured 28 MB of heap.
     */
    public static final int RECOMMENDED_MAX_REQUESTS = 4096;

    private final OkHttpClient client;
    private final Upstream upstream;
    private final ResponsesTranslator translator;
    private final Duration idleTimeout;

    private OkHttpRelay(OkHttpClient client, Upstream upstream, ResponsesTranslator translator, Duration idleTimeout) {
        this.client = client;
        this.upstream = upstream;
        this.translator = translator;
        this.idleTimeout = idleTimeout;
    }

    /** A relay with the defaults of {@link #builder}. */
    public static OkHttpRelay create(OkHttpClient client, Upstream upstream) {
        return builder(client, upstream).build();
    }

    /** Starts a relay that sends requests through {@code client} to {@code upstream}. */
    public static Builder builder(OkHttpClient client, Upstream upstream) {
        return new Builder(client, upstream);
    }

    /**
     * A client builder with the settings this adapter is meant for: a dispatcher that allows {@link
     * #RECOMMENDED_MAX_REQUESTS} concurrent requests in total and per host (OkHttp's default is 5
     * per host), a 10 s connect timeout, the {@link #DEFAULT_IDLE_TIMEOUT} as read timeout, and no
     * overall call timeout, since a streamed answer may legitimately last many minutes.
     */
    public static OkHttpClient.Builder newClientBuilder() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(RECOMMENDED_MAX_REQUESTS);
        dispatcher.setMaxRequestsPerHost(RECOMMENDED_MAX_REQUESTS);
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(DEFAULT_IDLE_TIMEOUT)
                .writeTimeout(Duration.ofMinutes(1))
                .callTimeout(Duration.ZERO);
    }

    /** The translator for this upstream's provider: translate request bodies with it. */
    public ResponsesTranslator translator() {
        return translator;
    }

    /** The upstream requests go to. */
    public Upstream upstream() {
        return upstream;
    }

    /** The idle timeout between reads from the upstream. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * A relay that shares this one's client and settings but talks to {@code upstream}: for example
     * the same base URL with the key of the client being served. Cheap; the translator is kept, with
     * its provider switched to the new upstream's.
     */
    public OkHttpRelay withUpstream(Upstream upstream) {
        Objects.requireNonNull(upstream, "upstream == null");
        ResponsesTranslator t = translator.provider().equals(upstream.provider())
                ? translator
                : translator.newBuilder().provider(upstream.provider()).build();
        return new OkHttpRelay(client, upstream, t, idleTimeout);
    }

    /**
     * Streams one exchange: POSTs {@link Translation#chatRequestJson()} to {@code
     * {base}/chat/completions} and delivers the translated events to {@code listener} as they
     * arrive.
     *
     * <p>Before this method returns, {@code listener} gets the {@code response.created} and {@code
     * response.in_progress} events on the calling thread, so a server can answer at once while the
     * upstream is still thinking. Everything else arrives on an OkHttp thread; see {@link
     * ResponsesListener} for the contract.
     *
     * @return the handle to cancel the exchange, for example when the client hangs up
     */
    public RelayCall stream(Translation translation, ResponsesListener listener) {
        Objects.requireNonNull(translation, "translation == null");
        Objects.requireNonNull(listener, "listener == null");
        StreamingExchange exchange = new StreamingExchange(
                newCall(translation, true), translation, translation.newStream(), listener, idleTimeout);
        exchange.startAsync();
        return exchange;
    }

    /**
     * Runs one non-streamed exchange asynchronously and hands the complete answer to {@code
     * onResponse}, on an OkHttp thread: a 200 with the Responses {@code response} object, or the
     * mapped upstream error with its HTTP status. If the translation streams upstream ({@link
     * Translation#upstreamStreams()}), the stream is read to its end and its final response object is
     * the answer. {@code onResponse} is called exactly once, unless the call is cancelled first.
     */
    public RelayCall respond(Translation translation, Consumer<RelayResponse> onResponse) {
        return respond(translation, UpstreamTap.NONE, onResponse);
    }

    /** As {@link #respond(Translation, Consumer)}, showing the raw upstream answer to {@code tap}. */
    public RelayCall respond(Translation translation, UpstreamTap tap, Consumer<RelayResponse> onResponse) {
        Objects.requireNonNull(translation, "translation == null");
        Objects.requireNonNull(tap, "tap == null");
        Objects.requireNonNull(onResponse, "onResponse == null");
        if (translation.upstreamStreams()) {
            StreamingExchange exchange =
                    StreamingExchange.collecting(newCall(translation, true), translation, tap, onResponse, idleTimeout);
            exchange.startAsync();
            return exchange;
        }
        CompletionExchange exchange =
                new CompletionExchange(newCall(translation, false), translation, tap, onResponse, idleTimeout);
        exchange.startAsync();
        return exchange;
    }

    /**
     * As {@link #respond}, but blocks the calling thread until the answer is complete. Never
     * throws for upstream failures: they come back as the mapped error.
     */
    public RelayResponse execute(Translation translation) {
        Objects.requireNonNull(translation, "translation == null");
        RelayResponse[] answer = new RelayResponse[1];
        if (translation.upstreamStreams()) {
            StreamingExchange.collecting(
                            newCall(translation, true), translation, UpstreamTap.NONE, r -> answer[0] = r, idleTimeout)
                    .runBlocking();
        } else {
            new CompletionExchange(
                            newCall(translation, false), translation, UpstreamTap.NONE, r -> answer[0] = r, idleTimeout)
                    .runBlocking();
        }
        RelayResponse result = answer[0];
        return result != null ? result : CompletionExchange.cancelledResponse();
    }

    /**
     * {@code GET {base}/models}, blocking: the upstream's model list as it sent it (the OpenAI shape
     * {@code {"object":"list","data":[…]}}), or the mapped upstream error.
     */
    public RelayResponse models() {
        Request.Builder request =
                new Request.Builder().url(upstream.modelsUrl()).get().header("Accept", "application/json");
        upstream.authenticate(request);
        return ModelsCall.execute(client.newCall(request.build()), idleTimeout);
    }

    private Call newCall(Translation translation, boolean streams) {
        Request.Builder request = new Request.Builder()
                .url(upstream.chatCompletionsUrl())
                .post(new ChatRequestBody(translation))
                .header("Accept", streams ? "text/event-stream" : "application/json");
        if (streams) {
            // A compressed event stream is only as live as the compressor's flushes; ask for none.
            request.header("Accept-Encoding", "identity");
        }
        upstream.authenticate(request);
        return client.newCall(request.build());
    }

    /** Builds an {@link OkHttpRelay}. */
    public static final class Builder {
        private final OkHttpClient client;
        private final Upstream upstream;
        private ResponsesTranslator translator;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

        private Builder(OkHttpClient client, Upstream upstream) {
            this.client = Objects.requireNonNull(client, "client == null");
            this.upstream = Objects.requireNonNull(upstream, "upstream == null");
            this.translator =
                    ResponsesTranslator.builder().provider(upstream.provider()).build();
        }

        /**
         * The translator to use, for its id generator, clock and healing settings; by default one
         * with the upstream's provider and random ids.
         *
         * @throws IllegalArgumentException if its provider is not the upstream's
         */
        public Builder translator(ResponsesTranslator translator) {
            Objects.requireNonNull(translator, "translator == null");
            if (!translator.provider().equals(upstream.provider())) {
                throw new IllegalArgumentException(
                        "translator is for " + translator.provider() + " but the upstream is " + upstream.provider());
            }
            this.translator = translator;
            return this;
        }

        /**
         * The longest silence allowed between two reads from the upstream, including the wait for
         * its first byte; {@link #DEFAULT_IDLE_TIMEOUT} by default. When it passes, the exchange
         * ends with {@code response.failed} (code {@code server_error}) instead of hanging. SSE
         * comment keep-alives from the upstream count as activity. Applied as OkHttp's read timeout
         * on the derived client.
         */
        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout == null");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive but was " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Returns the relay. */
        public OkHttpRelay build() {
            OkHttpClient derived = client.newBuilder().readTimeout(idleTimeout).build();
            return new OkHttpRelay(derived, upstream, translator, idleTimeout);
        }
    }
}
