package dev.responsesrelay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.ChatCompletionsTranslator;
import dev.responsesrelay.HealingListener;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.codexmodel.CodexModelUpstream;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayResponse;
import dev.responsesrelay.okhttp.Upstream;
import dev.responsesrelay.server.chat.ChatCompletionsHandler;
import dev.responsesrelay.server.chat.ChatUpstream;
import dev.responsesrelay.server.chat.CodexChatUpstream;
import dev.responsesrelay.server.chat.ResponsesHttpUpstream;
import dev.responsesrelay.server.config.ConfigException;
import dev.responsesrelay.server.config.RelayConfig;
import dev.responsesrelay.server.config.UpstreamConfig;
import dev.responsesrelay.server.http.AccessLog;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.ApiHandler;
import dev.responsesrelay.server.http.ClientKeys;
import dev.responsesrelay.server.http.ExchangeRecorder;
import dev.responsesrelay.server.http.JsonErrorHandler;
import dev.responsesrelay.server.http.LocalAccessGuard;
import dev.responsesrelay.server.http.MemoryAdmissionHandler;
import dev.responsesrelay.server.http.MemoryBudget;
import dev.responsesrelay.server.metrics.RelayMetrics;
import dev.responsesrelay.server.responses.PassThroughRelays;
import dev.responsesrelay.server.responses.Providers;
import dev.responsesrelay.server.responses.RelayHandler;
import dev.responsesrelay.server.responses.ResponseState;
import dev.responsesrelay.server.responses.ResponsesWebSocket;
import dev.responsesrelay.server.responses.ServedModels;
import dev.responsesrelay.server.routing.ModelRouter;
import dev.responsesrelay.server.routing.Readiness;
import dev.responsesrelay.server.routing.RelayChooser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The relay server: the OpenAI Responses API on one port, relayed to a Chat Completions upstream.
 * Jetty 12 core handlers in front, {@link OkHttpRelay} behind.
 *
 * <pre>{@code
 * try (RelayServer relay = RelayServer.start("--port", "0", "--upstream", "http://127.0.0.1:11434/v1")) {
 *     // point a Responses client at relay.baseUrl()
 * }
 * }</pre>
 *
 * <p>Concurrency: streams are written from the OkHttp thread that reads their upstream, so a
 * stream holds no Jetty thread while it waits; OkHttp is allowed {@value
 * OkHttpRelay#RECOMMENDED_MAX_REQUESTS} concurrent requests per host (its default of 5 would queue
 * the sixth stream silently).
 *
 * <p>For when the HTTP status of a stream is decided, see {@link
 * dev.responsesrelay.server.responses.StreamedAnswer}: the relay waits up to {@link
 * #FIRST_BYTE_WINDOW} for the upstream's status line, so an early 429 or 400 keeps its status,
 * and otherwise commits HTTP 200 and streams.
 */
public final class RelayServer implements AutoCloseable {
    /**
     * How long a stream's HTTP status waits for the upstream's: short enough that the client gets
     * {@code response.created} within a second however long the model thinks, long enough for an
     * upstream to refuse a request (a 429 typically comes back in a few milliseconds).
     */
    public static final Duration FIRST_BYTE_WINDOW = Duration.ofMillis(750);

    /** How long a stopping server lets open streams finish before it cuts them. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger("dev.responsesrelay.server");
    private static final Duration STARTUP_MODELS_TIMEOUT = Duration.ofSeconds(3);

    private final Server jetty;
    private final ServerConnector connector;
    /** The direction this relay serves: Responses in front of Chat, or Chat in front of Responses. */
    private final ApiHandler handler;

    private final OkHttpClient client;
    private final ScheduledExecutorService scheduler;
    private final ServerOptions options;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final MemoryBudget memoryBudget;

    private RelayServer(
            Server jetty,
            ServerConnector connector,
            ApiHandler handler,
            OkHttpClient client,
            ScheduledExecutorService scheduler,
            ServerOptions options,
            MemoryBudget memoryBudget) {
        this.memoryBudget = memoryBudget;
        this.jetty = jetty;
        this.connector = connector;
        this.handler = handler;
        this.client = client;
        this.scheduler = scheduler;
        this.options = options;
    }

    /**
     * Starts a server configured by command-line flags (the same as the CLI's; {@code --port 0}
     * picks a free port). Environment variables are not read here, so tests are not affected by the
     * machine's {@code RELAY_*} settings; {@link Main} reads them.
     *
     * @throws IllegalArgumentException if the flags are wrong
     * @throws Exception if the server cannot start (for example, the port is taken)
     */
    public static RelayServer start(String... args) throws Exception {
        Objects.requireNonNull(args, "args == null");
        // Issue 12: a server started here (tests, embedders) keeps responses in memory unless
        // --store says otherwise, so it never writes to the user's home; the CLI defaults to SQLite.
        ServerOptions options = ServerOptions.parse(args, Map.of("RELAY_STORE", "memory"));
        if (options.helpRequested()) {
            throw new IllegalArgumentException("--help is for the command line");
        }
        return start(options);
    }

    /** Starts a server with {@code options}. */
    public static RelayServer start(ServerOptions options) throws Exception {
        if (options.upstreamApi() != ServerOptions.UpstreamApi.CHAT) {
            return startChatCompletions(options);
        }
        Path configFile = options.config().orElse(null);
        if (configFile != null) {
            return startRouted(options, configFile);
        }
        ProviderProfile provider = Providers.resolve(options.provider(), options.upstream());
        Upstream.Builder upstream = Upstream.builder(options.upstream()).provider(provider);
        // Azure OpenAI takes its key in an api-key header rather than as a bearer token.
        options.apiKey().ifPresent(key -> {
            if (provider.name().equals("azure")) {
                upstream.azureApiKey(key);
            } else {
                upstream.bearerToken(key);
            }
        });

        OkHttpClient client = OkHttpRelay.newClientBuilder().build();
        ResponsesTranslator translator = ResponsesTranslator.builder()
                .provider(provider)
                .healingListener(healingLog())
                .maxOutputChars(options.maxOutputChars())
                .build();
        OkHttpRelay relay = OkHttpRelay.builder(client, upstream.build())
                .translator(translator)
                .idleTimeout(options.idleTimeout())
                .build();
        RelayChooser chooser = PassThroughRelays.chooser(relay, options.apiKey().isEmpty(), quick(client));
        RelayServer server = startResponses(
                options,
                client,
                relay,
                chooser,
                options.apiKey().isEmpty(),
                new ServedModels(options.model().orElse(null), client));
        server.logStart(relay);
        return server;
    }

    /**
     * {@code --config}: many upstreams, each request routed by its model (docs/OPERATIONS.md).
     *
     * @throws IllegalArgumentException naming the file, line and key of a bad config
     */
    private static RelayServer startRouted(ServerOptions options, Path file) throws Exception {
        RelayConfig config;
        try {
            config = RelayConfig.load(file, System.getenv());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        config.warnings().forEach(LOG::warning);
        OkHttpClient client = OkHttpRelay.newClientBuilder().build();
        // --max-output-chars holds for routed upstreams too (issue 18): each one's translator is
        // built from this one (ResponsesTranslator.newBuilder keeps the bound).
        ResponsesTranslator base = ResponsesTranslator.builder()
                .healingListener(healingLog())
                .maxOutputChars(options.maxOutputChars())
                .build();
        ModelRouter router = new ModelRouter(config, client, base, STARTUP_MODELS_TIMEOUT);
        // Issue 13 §0: the config's routes and default_model decide which model a request gets.
        RelayServer server = startResponses(
                options, client, router.firstRelay(), RelayChooser.routed(router), false, ServedModels.routed());
        List<String> upstreams = new ArrayList<>();
        for (UpstreamConfig upstream : config.upstreams()) {
            upstreams.add(upstream.describe());
        }
        LOG.info(() -> "relay listening on " + server.baseUrl() + " -> "
                + config.upstreams().size()
                + " upstreams from " + file + ": " + String.join("; ", upstreams)
                + (options.requiredKeys().isEmpty()
                        ? "; no client key required"
                        : "; " + options.requiredKeys().size() + " client key(s) accepted")
                + options.recordDir().map(dir -> "; recording to " + dir).orElse(""));
        return server;
    }

    /** The Responses direction's Jetty set-up, for one upstream or many. */
    private static RelayServer startResponses(
            ServerOptions options,
            OkHttpClient client,
            OkHttpRelay relay,
            RelayChooser chooser,
            boolean passClientKey,
            ServedModels servedModels)
            throws Exception {
        Jetty jetty = Jetty.create(options);
        ResponseState responseState = ResponseState.open(
                options.store(),
                options.storeRetention(),
                ResponseState.maxStoredBytes(jetty.budget().capacity()));
        responseState.purgeExpiredHourly(jetty.scheduler());
        RelayMetrics metrics = new RelayMetrics();
        responseState.metrics(metrics);
        RelayHandler.Settings settings = new RelayHandler.Settings(
                relay,
                chooser,
                metrics,
                passClientKey,
                new ClientKeys(options.requiredKeys()),
                options.recordDir().map(ExchangeRecorder::into).orElseGet(ExchangeRecorder::disabled),
                jetty.scheduler(),
                jetty.threads(),
                FIRST_BYTE_WINDOW,
                options.keepAlive(),
                responseState,
                servedModels,
                options.idleEvent(),
                jetty.budget());
        RelayHandler handler = new RelayHandler(settings);
        AccessLog accessLog = new AccessLog(options.accessLog());
        handler.accessLog(accessLog);
        handler.operations(metrics, () -> Readiness.of(chooser.upstreamStates()));
        // Responses WebSocket transport (Codex's built-in OpenAI provider, research
        // codex-websocket-and-remote-compaction.md): upgrades of /v1/responses go to
        // ResponsesWebSocket, everything else falls through to the HTTP handler.
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(jetty.server(), container -> {
            // Codex keeps its socket across turns; OpenAI's own limit is 60 minutes per connection.
            container.setIdleTimeout(Duration.ofMinutes(60));
            container.addMapping("/v1/responses", ResponsesWebSocket.creator(settings, accessLog));
        });
        webSockets.setHandler(handler);
        return jetty.start(webSockets, handler, client, options);
    }

    /** A client for short probes (model lists, readiness): a few seconds at most. */
    private static OkHttpClient quick(OkHttpClient client) {
        return client.newBuilder()
                .callTimeout(STARTUP_MODELS_TIMEOUT)
                .connectTimeout(STARTUP_MODELS_TIMEOUT)
                .build();
    }

    /** The port the server listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL for Responses clients, for example {@code http://127.0.0.1:4444/v1}. */
    public String baseUrl() {
        String host = options.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
            host = "127.0.0.1";
        } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/v1";
    }

    /**
     * What in-flight requests and WebSocket messages may hold, and hold now ({@code --memory-budget},
     * issue 18).
     */
    public MemoryBudget memoryBudget() {
        return memoryBudget;
    }

    /**
     * The access log every exchange of this server goes through (HTTP requests, WebSocket messages
     * and closes). {@link AccessLog#listen} receives each finished exchange's {@link
     * dev.responsesrelay.server.http.MeasuredExchange}: the numbers of its access-log line, for
     * metrics.
     */
    public AccessLog accessLog() {
        return handler.accessLog();
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops the server: new requests are refused at once, open streams get {@link #SHUTDOWN_GRACE}
     * to finish, then their upstream calls are cancelled and the connections closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int open = openExchanges();
        if (open > 0) {
            LOG.info(() -> "stopping: letting " + open + " open exchange(s) finish for up to "
                    + SHUTDOWN_GRACE.toSeconds() + " s");
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping Jetty failed", e);
        } finally {
            cancelAll("the relay is shutting down");
            scheduler.shutdownNow();
            handler.close();
            client.dispatcher().cancelAll();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            try {
                client.dispatcher().executorService().awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int openExchanges() {
        return handler.openExchanges();
    }

    private void cancelAll(String why) {
        handler.cancelAll(why);
    }

    // ---- The reverse direction: POST /v1/chat/completions in front of a Responses upstream or Codex.

    /**
     * Starts the relay for {@code --upstream-api responses} or {@code codex}: Chat Completions
     * clients in front, a Responses API upstream (or the local Codex CLI as {@code codex-local})
     * behind. Same Jetty set-up, limits and shutdown as the forward direction.
     */
    private static RelayServer startChatCompletions(ServerOptions options) throws Exception {
        OkHttpClient client = OkHttpRelay.newClientBuilder()
                .readTimeout(options.idleTimeout())
                .build();
        ChatUpstream upstream = options.upstreamApi() == ServerOptions.UpstreamApi.CODEX
                ? codexUpstream(options.codex())
                : new ResponsesHttpUpstream(
                        client, options.upstream(), options.apiKey().orElse(null));

        Jetty jetty = Jetty.create(options);
        ChatCompletionsHandler handler = new ChatCompletionsHandler(new ChatCompletionsHandler.Settings(
                upstream,
                ChatCompletionsTranslator.create(),
                new ClientKeys(options.requiredKeys()),
                options.recordDir().map(ExchangeRecorder::into).orElseGet(ExchangeRecorder::disabled),
                jetty.scheduler(),
                jetty.threads(),
                FIRST_BYTE_WINDOW,
                options.keepAlive()));
        handler.accessLog(new AccessLog(options.accessLog()));
        RelayServer server = jetty.start(handler, handler, client, options);
        LOG.info(() -> "relay listening on " + server.baseUrl() + " (POST /v1/chat/completions) -> "
                + upstream.describe()
                + (options.requiredKeys().isEmpty()
                        ? ", no client key required"
                        : ", " + options.requiredKeys().size() + " client key(s) accepted")
                + options.recordDir().map(dir -> ", recording to " + dir).orElse(""));
        return server;
    }

    /**
     * The Jetty set-up both directions share: the thread pool, the timer thread, and one HTTP
     * connector with the relay's timeouts.
     */
    private record Jetty(
            Server server,
            ServerConnector connector,
            QueuedThreadPool threads,
            ScheduledExecutorService scheduler,
            // Issue 18: one budget for POST bodies and WebSocket messages alike.
            MemoryBudget budget) {
        static Jetty create(ServerOptions options) {
            QueuedThreadPool threads = new QueuedThreadPool(256, 8);
            threads.setName("relay-http");
            Server server = new Server(threads);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "relay-timers");
                thread.setDaemon(true);
                return thread;
            });
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(options.host());
            connector.setPort(options.port());
            // Bounds how long a write to a client that stopped reading may block; waiting for a
            // slow upstream is exempt (see RelayHandler), the upstream idle timeout bounds that.
            connector.setIdleTimeout(Duration.ofSeconds(60).toMillis());
            // While stopping, Jetty lowers every connection's idle timeout to this, and a stream
            // whose connection idles past it is cut even mid-answer (seen with 100 ms: streams died
            // between two events). Open streams must get the whole grace period; they write at
            // least every keep-alive interval, so only idle keep-alive connections and stalled
            // clients expire.
            connector.setShutdownIdleTimeout(SHUTDOWN_GRACE.toMillis());
            server.addConnector(connector);
            return new Jetty(server, connector, threads, scheduler, new MemoryBudget(options.memoryBudget()));
        }

        /**
         * Serves {@code handler} behind a graceful-shutdown handler and JSON error pages, and
         * starts Jetty; {@code api} is the direction served (it may be {@code handler} itself, or
         * sit behind the WebSocket upgrade): its exchanges are the ones a stop cancels.
         */
        RelayServer start(Handler handler, ApiHandler api, OkHttpClient client, ServerOptions options)
                throws Exception {
            // Issue 18: requests are admitted against a memory budget before anything reads them.
            Handler admitted = new MemoryAdmissionHandler(handler, budget, api, options.bodyTimeout());
            GracefulHandler graceful = new GracefulHandler(admitted) {
                @Override
                protected void handleShutdownRejection(Request request, Response response, Callback callback) {
                    // Codex retries a 503 (docs/codex-wire.md §2.3); keep the OpenAI error shape. Logged
                    // and counted like every refusal in front of the API.
                    api.refusedInFront(
                            request,
                            response,
                            callback,
                            Answers.relayError(
                                    503, "server_error", "server_is_shutting_down", "the relay is shutting down"));
                }
            };
            // Issue 13 §1: one guard in front of every endpoint, WebSocket upgrades included.
            server.setHandler(new LocalAccessGuard(
                    options.host(), options.allowedHosts(), options.allowedOrigins(), api, graceful));
            server.setErrorHandler(new JsonErrorHandler());
            server.setStopTimeout(SHUTDOWN_GRACE.toMillis());
            server.setStopAtShutdown(false); // Main installs its own hook, which also cancels upstreams
            RelayServer relay = new RelayServer(server, connector, api, client, scheduler, options, budget);
            try {
                server.start();
            } catch (Exception e) {
                relay.close();
                throw e;
            }
            return relay;
        }
    }

    private static ChatUpstream codexUpstream(ServerOptions.CodexSettings settings) {
        CodexModelUpstream.Builder codex = CodexModelUpstream.builder()
                .codexBinary(Path.of(settings.binary()))
                .sandbox(sandbox(settings.sandbox()))
                .timeout(settings.timeout());
        if (settings.model() != null) {
            codex.model(settings.model());
        }
        Path home = settings.codexHome();
        if (home != null) {
            codex.environment("CODEX_HOME", home.toString());
        }
        for (String override : settings.configOverrides()) {
            int eq = override.indexOf('=');
            codex.configOverride(
                    override.substring(0, eq).strip(),
                    override.substring(eq + 1).strip());
        }
        return new CodexChatUpstream(
                codex.build(),
                "the local Codex CLI (" + settings.binary() + ", sandbox " + settings.sandbox()
                        + ", model " + (settings.model() == null ? "from Codex's config" : settings.model())
                        + ") as the model " + CodexModelUpstream.MODEL_ID
                        + "; every request runs an agent on this machine");
    }

    private static CodexModelUpstream.Sandbox sandbox(String flag) {
        for (CodexModelUpstream.Sandbox mode : CodexModelUpstream.Sandbox.values()) {
            if (mode.flag().equals(flag)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown Codex sandbox " + flag);
    }

    private void logStart(OkHttpRelay relay) {
        String models = upstreamModels(relay);
        LOG.info(() -> "relay listening on " + baseUrl()
                + " -> upstream " + relay.upstream().baseUrl().replaceFirst("[?#].*$", "")
                + " (provider " + relay.upstream().provider().name()
                + ", upstream key: "
                + options.apiKey()
                        .map(key -> "relay's own, " + ClientKeys.mask(key))
                        .orElse("client's, passed through")
                + (options.requiredKeys().isEmpty()
                        ? ", no client key required"
                        : ", " + options.requiredKeys().size() + " client key(s) accepted")
                + options.recordDir().map(dir -> ", recording to " + dir).orElse("")
                + handler.stateDescription()
                + "); upstream models: " + models);
        options.upstreamCorrection().ifPresent(LOG::warning);
        if (options.apiKey().isEmpty() && !options.requiredKeys().isEmpty()) {
            LOG.warning("--require-key without --api-key: the key each client presents is also sent upstream");
        }
    }

    /** The upstream's model ids for the start line; never fails, never takes long. */
    private String upstreamModels(OkHttpRelay relay) {
        try {
            RelayResponse answer =
                    OkHttpRelay.create(quick(client), relay.upstream()).models();
            if (!answer.isSuccessful()) {
                String unavailable = "unavailable (HTTP " + answer.httpStatus() + ": "
                        + answer.error().map(e -> e.message()).orElse("") + ")";
                // Without --api-key the relay has no key of its own: a 401 here is expected.
                if (options.apiKey().isPresent() || (answer.httpStatus() != 401 && answer.httpStatus() != 403)) {
                    LOG.warning(() -> modelsUnavailableHint(relay.upstream().baseUrl(), answer.httpStatus()));
                }
                return unavailable;
            }
            JsonNode data = new ObjectMapper().readTree(answer.body()).path("data");
            List<String> ids = new ArrayList<>();
            for (JsonNode model : data) {
                ids.add(model.path("id").asText("?"));
            }
            if (ids.isEmpty()) {
                return "none listed";
            }
            int shown = Math.min(ids.size(), 20);
            return String.join(", ", ids.subList(0, shown))
                    + (ids.size() > shown ? " … (" + ids.size() + " in all)" : "");
        } catch (Exception e) {
            return "unavailable (" + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * What to do about a failed start-up {@code GET /models}: a 404 from a base URL without {@code
     * /v1} is almost always the missing {@code /v1} (Ollama, LM Studio, vLLM and llama.cpp serve the
     * OpenAI API under it), which otherwise shows up only as a 404 on the client's first request.
     */
    static String modelsUnavailableHint(String baseUrl, int status) {
        String base = baseUrl.replaceFirst("[?#].*$", "").replaceFirst("/+$", "");
        if (status == 404 && !base.contains("/v1")) {
            return "the upstream answered GET " + base + "/models with 404: if it serves the OpenAI API under /v1"
                    + " (Ollama, LM Studio, vLLM, llama.cpp do), start the relay with --upstream " + base + "/v1";
        }
        if (status == 401 || status == 403) {
            return "the upstream refused GET " + base + "/models with " + status + ": check --api-key";
        }
        return "the upstream answered GET " + base + "/models with " + status
                + ": check --upstream (the base URL before /chat/completions)";
    }

    private static HealingListener healingLog() {
        Logger healing = Logger.getLogger("dev.responsesrelay.healing");
        return (rule, detail) -> healing.fine(() -> "healed " + rule + ": " + detail);
    }
}
