package dev.responsesrelay.server;

import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.okhttp.Upstream;
import dev.responsesrelay.server.http.AccessLog;
import dev.responsesrelay.server.http.MemoryAdmissionHandler;
import dev.responsesrelay.server.http.MemoryBudget;
import dev.responsesrelay.server.responses.Providers;
import dev.responsesrelay.server.responses.UpstreamUrls;
import dev.responsesrelay.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The relay server's settings, from command-line flags and {@code RELAY_*} environment variables.
 * A flag wins over its variable. Immutable.
 */
public final class ServerOptions {
    /** The port when neither {@code --port} nor {@code RELAY_PORT} is given. */
    public static final int DEFAULT_PORT = 4444;

    /** Codex's own default {@code stream_idle_timeout_ms}: reasoning models may think for minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * One second between SSE keep-alive comments while the upstream is silent. Keep-alives double as
     * the probe for a client that hung up: a write to a closed TCP connection only fails on the
     * second write after the close (the first provokes the peer's RST), so a hang-up is noticed
     * within two intervals and the upstream call is cancelled. 15 bytes a second cost nothing.
     */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(1);

    /**
     * Issue 13 §3: how long a stream may go without an event before the client gets {@code
     * response.in_progress} again. Codex gives up after {@code stream_idle_timeout_ms} (300 s by
     * default) without an event, and SSE comments do not count; a fifteenth of that leaves room for
     * users who lower it.
     */
    public static final Duration DEFAULT_IDLE_EVENT = Duration.ofSeconds(20);

    /** Issue 12: where responses are kept unless {@code --store} says otherwise. */
    public static final String DEFAULT_STORE = StoreLocation.DEFAULT_SQLITE;

    private final String host;
    private final int port;
    private final String upstream;
    private final @Nullable String apiKey;
    private final String provider;
    private final List<String> requiredKeys;
    private final @Nullable Path recordDir;
    private final Duration idleTimeout;
    private final Duration keepAlive;
    private final boolean help;
    private final UpstreamApi upstreamApi;
    private final CodexSettings codex;
    private final @Nullable String upstreamCorrection;
    private final AccessLog.Format accessLog;
    // Issue 12: conversation state.
    private final String store;
    private final Duration storeRetention;
    private final @Nullable Path config;
    // Issue 18 (memory): admission budget and output bound.
    private final long memoryBudget;
    private final long maxOutputChars;
    private final Duration bodyTimeout;

    // Issue 13 (hardening): who may use a local relay.
    private final List<String> allowedHosts;
    private final List<String> allowedOrigins;
    private final @Nullable String model;
    private final Duration idleEvent;

    private ServerOptions(Parser p) {
        this.host = p.host;
        this.port = p.port;
        String given = p.upstream == null ? "" : p.upstream;
        // Issue 17: a pasted .../chat/completions endpoint is corrected, and the start line says so.
        boolean chat = p.resolvedApi() == UpstreamApi.CHAT;
        this.upstream = chat ? UpstreamUrls.chatBase(given) : given;
        this.upstreamCorrection =
                chat ? UpstreamUrls.correction(given, "--upstream").orElse(null) : null;
        this.accessLog = p.accessLog;
        this.apiKey = p.apiKey;
        this.provider = p.provider;
        this.requiredKeys = List.copyOf(p.requiredKeys);
        this.recordDir = p.recordDir;
        this.idleTimeout = p.idleTimeout;
        this.keepAlive = p.keepAlive;
        this.help = p.help;
        this.memoryBudget = p.memoryBudget;
        this.maxOutputChars = p.maxOutputChars;
        this.bodyTimeout = p.bodyTimeout;
        this.upstreamApi = p.resolvedApi();
        this.store = p.store;
        this.storeRetention = p.storeRetention;
        this.config = p.config;
        this.codex = new CodexSettings(
                p.codexBinary, p.codexModel, p.codexSandbox, p.codexTimeout, p.codexHome, List.copyOf(p.codexConfig));
        // Issue 13 (hardening)
        this.allowedHosts = List.copyOf(p.allowedHosts.effective());
        this.allowedOrigins = List.copyOf(p.allowedOrigins.effective());
        this.model = p.model;
        this.idleEvent = p.idleEvent;
    }

    /**
     * What the upstream speaks, and so which API the relay serves: {@code chat} (the default) serves
     * {@code /v1/responses} in front of a Chat Completions upstream; {@code responses} and {@code
     * codex} serve {@code /v1/chat/completions} in front of a Responses upstream, or of the local
     * Codex CLI as the model {@code codex-local}.
     */
    public enum UpstreamApi {
        /** A Chat Completions upstream; the relay serves the Responses API. */
        CHAT,
        /** A Responses API upstream; the relay serves Chat Completions. */
        RESPONSES,
        /** The local Codex CLI ({@code codex exec}); the relay serves Chat Completions. */
        CODEX;

        static UpstreamApi byName(String name, String source) {
            for (UpstreamApi api : values()) {
                if (api.name().equalsIgnoreCase(name.strip())) {
                    return api;
                }
            }
            throw new IllegalArgumentException(source + " must be chat, responses or codex but was " + name);
        }
    }

    /**
     * The settings of {@code --upstream-api codex}.
     *
     * @param binary the {@code codex} executable
     * @param model the model Codex uses, or null for Codex's configured one
     * @param sandbox Codex's {@code --sandbox} mode
     * @param timeout the longest one run may take
     * @param codexHome {@code CODEX_HOME} for the Codex process, or null to inherit the relay's
     * @param configOverrides {@code key=value} pairs passed as {@code codex -c key=value}
     */
    public record CodexSettings(
            String binary,
            @Nullable String model,
            String sandbox,
            Duration timeout,
            @Nullable Path codexHome,
            List<String> configOverrides) {}

    /** Which API the upstream speaks. */
    public UpstreamApi upstreamApi() {
        return upstreamApi;
    }

    /** The Codex settings; used only with {@link UpstreamApi#CODEX}. */
    public CodexSettings codex() {
        return codex;
    }

    /**
     * Parses {@code args}, falling back to {@code env} for flags not given.
     *
     * @throws IllegalArgumentException with a message for the user if a flag is unknown, lacks its
     *     value, or has a bad value, or if no upstream is given (unless {@code --help} is)
     */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        Objects.requireNonNull(args, "args == null");
        Objects.requireNonNull(env, "env == null");
        Parser parser = new Parser();
        parser.readEnvironment(env);
        parser.readFlags(args);
        if (!parser.help) {
            parser.validate();
        }
        return new ServerOptions(parser);
    }

    /** The {@code --help} text. */
    public static String usage() {
        return """
                Usage: java -jar relay-server.jar --upstream URL [options]
                       java -jar relay-server.jar --config relay.toml [options]
                       java -jar relay-server.jar codex-config [options]
                       java -jar relay-server.jar doctor --upstream URL [options]

                Serves the OpenAI Responses API (POST /v1/responses, GET /v1/models, GET /healthz)
                and relays it to a Chat Completions upstream.

                Options; each can also be set with the environment variable in brackets, and a
                flag wins over its variable:
                  --upstream URL       base URL of the Chat Completions API, the part before
                                       /chat/completions, e.g. https://api.deepseek.com/v1
                                       [RELAY_UPSTREAM]
                  --api-key KEY        key sent upstream as a bearer token; without it the
                                       client's own bearer token is passed upstream, with it
                                       never [RELAY_API_KEY]
                  --provider NAME      upstream dialect: %s
                                       (default auto: detected from the upstream URL's host,
                                       generic when unknown; see docs/PROVIDERS.md)
                                       [RELAY_PROVIDER]
                  --port N             port to listen on, 0 for any free one (default %d)
                                       [RELAY_PORT]
                  --host ADDR          address to bind (default 127.0.0.1: this machine only)
                                       [RELAY_HOST]
                  --require-key KEY    serve only clients sending Authorization: Bearer KEY;
                                       repeat for more keys [RELAY_REQUIRE_KEYS, comma-separated]
                  --record DIR         write every exchange to DIR/<timestamp>-<n>/ (requests,
                                       upstream stream, events sent), without keys; in
                                       both directions and for each WebSocket response.create
                                       [RELAY_RECORD_DIR]
                  --idle-timeout SECS  longest upstream silence before the answer fails
                                       (default %d) [RELAY_IDLE_TIMEOUT]
                  --keep-alive SECS    SSE keep-alive interval while the upstream is silent;
                                       also how fast a hung-up client is noticed (default %s)
                                       [RELAY_KEEP_ALIVE]
                  --config FILE        serve several upstreams, routed by model, from a TOML file
                                       instead of --upstream/--api-key/--provider; see
                                       docs/OPERATIONS.md [RELAY_CONFIG]
                  --upstream-api API   what the upstream speaks: chat (default; the relay serves
                                       POST /v1/responses), responses (the relay serves
                                       POST /v1/chat/completions and calls {upstream}/responses;
                                       chosen by itself when --upstream ends in /responses) or
                                       codex (POST /v1/chat/completions answered by the local
                                       Codex CLI as the model codex-local; no --upstream)
                                       [RELAY_UPSTREAM_API]
                  --codex-binary PATH  the codex executable (default codex, on the PATH)
                  --codex-model NAME   the model Codex uses (default: Codex's own config)
                  --codex-sandbox MODE read-only (default), workspace-write, danger-full-access
                  --codex-timeout SECS longest one Codex run may take (default 600)
                  --codex-home DIR     CODEX_HOME for Codex (default: inherited)
                  --codex-config K=V   a Codex -c override (TOML value); repeatable
                                       (each --codex-* also reads RELAY_CODEX_*)
                  --access-log FORMAT  one line per request on stderr: text (default), json or
                                       off; request id (also the x-request-id response header),
                                       route, model, status, upstream status, ms to first byte
                                       and in all, tokens; never content or keys
                                       [RELAY_ACCESS_LOG]
                  --store WHERE        where responses are kept for previous_response_id,
                                       item_reference and GET/DELETE /v1/responses/{id}:
                                       sqlite:PATH (default sqlite:~/.responses-relay/
                                       responses.db), postgresql://user:pw@host:port/db
                                       (several relays can share it), memory, or off
                                       [RELAY_STORE]
                  --store-retention T  how long responses are kept: 30d (default), 12h, 90m
                                       [RELAY_STORE_RETENTION]
                  --memory-budget SIZE heap the requests in flight may hold, e.g. 48m, 1g or
                                       40%% of the maximum heap (default 50%%); a request that
                                       does not fit for 2 s gets 503 with Retry-After
                                       [RELAY_MEMORY_BUDGET]
                  --max-output-chars N text, reasoning and arguments one answer may hold
                                       (default 2097152); past it the answer ends
                                       response.incomplete [RELAY_MAX_OUTPUT_CHARS]
                  --body-timeout SECS  longest a request body may take to arrive (default 60);
                                       past it the request gets 408 [RELAY_BODY_TIMEOUT]
                  --allowed-host NAME  also serve requests addressed to NAME (a reverse proxy's
                                       host name) when bound to a loopback address; repeatable
                                       [RELAY_ALLOWED_HOSTS, comma-separated]
                  --allowed-origin URL serve requests carrying Origin: URL (a web app or a desktop
                                       app's web view you trust); every other Origin is refused
                                       with 403; repeatable [RELAY_ALLOWED_ORIGINS, comma-separated]
                  --model NAME         the upstream model for requests asking for one the
                                       upstream's /models does not list (Codex's default model, a
                                       client's hard-coded gpt-...); without it such a request gets
                                       a 404 model_not_found listing the upstream's models; see
                                       docs/OPERATIONS.md [RELAY_MODEL]
                  --idle-event SECS    while the upstream is silent, send response.in_progress
                                       again after this long without an event, which Codex counts
                                       as activity (SSE comments it does not); 0: never
                                       (default %s) [RELAY_IDLE_EVENT]
                  --help               show this text

                codex-config writes Codex's configuration for this relay; its own options
                (java -jar relay-server.jar codex-config --help): --upstream URL, --api-key KEY,
                --port N, --model M, --context-window N, --provider NAME, --out DIR (a separate
                CODEX_HOME), --profile NAME (writes NAME.config.toml next to your config.toml,
                which stays as it is; run codex --profile NAME).
                codex exec runs read-only by default: pass --sandbox workspace-write (-s) to let
                it write files in its working directory (outside a git repository also
                --skip-git-repo-check).

                codex runs an agent on this machine, with the relay user's files (read-only
                sandbox by default) and Codex login, for every request: the relay refuses to bind
                beyond localhost with it unless --require-key is given.

                Web pages: bound to a loopback address (the default), the relay serves only
                requests whose Host is localhost, 127.x.x.x or [::1] (or an --allowed-host), so a
                site cannot reach it by rebinding its DNS name; on any address it refuses
                requests and WebSocket upgrades that carry an Origin not given with
                --allowed-origin. Codex, the SDKs and curl send no Origin.

                Streams: the relay waits up to %d ms for the upstream's status line before it
                answers. An upstream error within that window keeps its HTTP status (429 with
                Retry-After, 400, ...). After it, the relay commits HTTP 200, sends
                response.created at once and keep-alives while the model thinks; later errors
                arrive as response.failed events.
                """.formatted(
                        String.join(", ", Providers.names()),
                        DEFAULT_PORT,
                        DEFAULT_IDLE_TIMEOUT.toSeconds(),
                        seconds(DEFAULT_KEEP_ALIVE),
                        seconds(DEFAULT_IDLE_EVENT),
                        RelayServer.FIRST_BYTE_WINDOW.toMillis());
    }

    /**
     * What was corrected in {@code --upstream} (a pasted {@code /chat/completions} endpoint), for the
     * start-up log; empty when it was taken as given.
     */
    public Optional<String> upstreamCorrection() {
        return Optional.ofNullable(upstreamCorrection);
    }

    /** How each request's outcome is logged ({@code --access-log}). */
    public AccessLog.Format accessLog() {
        return accessLog;
    }

    /** The {@code --config} file that describes many upstreams, if given (issue 16). */
    public Optional<Path> config() {
        return Optional.ofNullable(config);
    }

    /** Whether {@code --help} was given; then nothing else was validated. */
    /** The {@code --store} value: {@code sqlite:PATH}, a PostgreSQL URL, {@code memory} or {@code off}. */
    public String store() {
        return store;
    }

    /** How long stored responses are kept ({@code --store-retention}). */
    public Duration storeRetention() {
        return storeRetention;
    }

    public boolean helpRequested() {
        return help;
    }

    /** The address to bind. */
    public String host() {
        return host;
    }

    /** The port to listen on; 0 for any free port. */
    public int port() {
        return port;
    }

    /** The upstream's base URL. */
    public String upstream() {
        return upstream;
    }

    /** The key to send upstream, if the relay has its own. */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** The provider profile's name. */
    public String provider() {
        return provider;
    }

    /** The bearer tokens a client must present, if any. */
    public List<String> requiredKeys() {
        return requiredKeys;
    }

    /** Where to record exchanges, if recording. */
    public Optional<Path> recordDir() {
        return Optional.ofNullable(recordDir);
    }

    /** The longest upstream silence allowed. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The keep-alive interval while the upstream is silent. */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Bytes of heap the requests in flight may hold (issue 18); see {@code MemoryBudget}. */
    public long memoryBudget() {
        return memoryBudget;
    }

    /** How long a request body may take to arrive before the request gets 408 (issue 18). */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    /** Chars of text, reasoning and arguments one answer may accumulate (issue 18). */
    public long maxOutputChars() {
        return maxOutputChars;
    }

    // ---- Issue 13 (hardening): who may use a local relay.

    /**
     * Host names served besides loopback ones when the relay is bound to a loopback address (a
     * reverse proxy's name); see {@link dev.responsesrelay.server.http.LocalAccessGuard}.
     */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /** The {@code Origin}s whose requests are served; requests with any other Origin are refused. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * {@code --model}: the upstream model used for requests asking for one the upstream does not
     * list; see {@link dev.responsesrelay.server.responses.ServedModels}.
     */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /**
     * {@code --idle-event}: how long a stream may go without an event before the client gets
     * {@code response.in_progress} again; zero: never (issue 13 §3).
     */
    public Duration idleEvent() {
        return idleEvent;
    }

    /** Describes the options for a log line; keys are shown as set or not, never their value. */
    @Override
    public String toString() {
        return "ServerOptions{" + host + ":" + port
                + (config == null ? ", upstream=" + upstream + ", provider=" + provider : ", config=" + config)
                + ", api-key=" + (apiKey == null ? "none (client's key passed through)" : "set")
                + ", require-key=" + requiredKeys.size() + " key(s)"
                + (recordDir == null ? "" : ", record=" + recordDir) + "}";
    }

    private static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }

    /** Mutable state while parsing. */
    private static final class Parser {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;

        @Nullable
        String upstream;

        @Nullable
        String apiKey;

        String provider = Providers.AUTO;
        List<String> requiredKeys = new ArrayList<>();

        @Nullable
        Path recordDir;

        Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        Duration keepAlive = DEFAULT_KEEP_ALIVE;
        // Issue 12: conversation state; OpenAI keeps responses 30 days (docs/state.md §1.1).
        String store = DEFAULT_STORE;
        Duration storeRetention = Duration.ofDays(30);
        boolean help;
        // Issue 18 (memory).
        long memoryBudget = MemoryBudget.defaultCapacity();
        long maxOutputChars = ResponsesTranslator.DEFAULT_MAX_OUTPUT_CHARS;
        Duration bodyTimeout = MemoryAdmissionHandler.DEFAULT_BODY_TIMEOUT;

        @Nullable
        UpstreamApi upstreamApi;

        String codexBinary = "codex";

        @Nullable
        String codexModel;

        String codexSandbox = "read-only";
        Duration codexTimeout = Duration.ofMinutes(10);

        @Nullable
        Path codexHome;

        List<String> codexConfig = new ArrayList<>();

        AccessLog.Format accessLog = AccessLog.Format.TEXT;
        // Issue 13 (hardening)
        final ListOption allowedHosts = new ListOption();
        final ListOption allowedOrigins = new ListOption();

        // Issue 16: many upstreams from a config file.
        @Nullable
        Path config;

        // Issue 13 §0: the upstream model for requests naming one it does not list.
        @Nullable
        String model;

        // Issue 13 §3: idle events while the upstream is silent.
        Duration idleEvent = DEFAULT_IDLE_EVENT;

        /**
         * The given API, else {@code responses} when the upstream URL ends in {@code /responses}
         * (someone pasted the endpoint, which only a Responses upstream has), else {@code chat}.
         */
        UpstreamApi resolvedApi() {
            UpstreamApi given = upstreamApi;
            if (given != null) {
                return given;
            }
            String url = upstream == null ? "" : upstream.replaceFirst("[?#].*$", "");
            return url.endsWith("/responses") || url.endsWith("/responses/") ? UpstreamApi.RESPONSES : UpstreamApi.CHAT;
        }

        void readEnvironment(Map<String, String> env) {
            for (Flag flag : Flag.values()) {
                String value = env.get(flag.env);
                if (value != null && !value.isBlank()) {
                    if (flag == Flag.REQUIRE_KEY) {
                        // Comma-separated; empty pieces ("a,,b", a trailing comma) are skipped.
                        int start = 0;
                        while (start <= value.length()) {
                            int comma = value.indexOf(',', start);
                            int end = comma < 0 ? value.length() : comma;
                            String key = value.substring(start, end).strip();
                            if (!key.isEmpty()) {
                                requiredKeys.add(key);
                            }
                            start = end + 1;
                        }
                    } else {
                        apply(flag, value.strip(), flag.env);
                    }
                }
            }
        }

        void readFlags(String[] args) {
            boolean requireKeyFlagSeen = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    help = true;
                    continue;
                }
                String name = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                Flag flag = Flag.byName(name);
                if (flag == null) {
                    throw new IllegalArgumentException("unknown option " + name + " (see --help)");
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                if (flag == Flag.REQUIRE_KEY) {
                    if (!requireKeyFlagSeen) {
                        requiredKeys.clear(); // flags replace RELAY_REQUIRE_KEYS as a whole
                        requireKeyFlagSeen = true;
                    }
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--require-key needs a non-blank key");
                    }
                    requiredKeys.add(value);
                } else {
                    apply(flag, value, name);
                }
            }
        }

        private void apply(Flag flag, String value, String source) {
            switch (flag) {
                case HOST -> host = value;
                case PORT -> port = integer(value, source, 0, 65535);
                case UPSTREAM -> upstream = value;
                case API_KEY -> apiKey = value.isBlank() ? null : value;
                case PROVIDER -> provider = value.toLowerCase(Locale.ROOT);
                case RECORD -> recordDir = Path.of(value);
                case IDLE_TIMEOUT -> idleTimeout = duration(value, source);
                case KEEP_ALIVE -> keepAlive = duration(value, source);
                case REQUIRE_KEY -> requiredKeys.add(value);
                case UPSTREAM_API -> upstreamApi = UpstreamApi.byName(value, source);
                case CODEX_BINARY -> codexBinary = value;
                case CODEX_MODEL -> codexModel = value.isBlank() ? null : value;
                case CODEX_SANDBOX -> codexSandbox = sandbox(value, source);
                case CODEX_TIMEOUT -> codexTimeout = duration(value, source);
                case CODEX_HOME -> codexHome = Path.of(value);
                case STORE -> store = storeSpec(value, source);
                case STORE_RETENTION -> storeRetention = retention(value, source);
                case CONFIG -> config = Path.of(value);
                case MEMORY_BUDGET -> memoryBudget = size(value, source);
                case MAX_OUTPUT_CHARS -> maxOutputChars = integer(value, source, 1024, Integer.MAX_VALUE);
                case BODY_TIMEOUT -> bodyTimeout = duration(value, source);
                case CODEX_CONFIG -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(source + " must be key=value (TOML value) but was " + value);
                    }
                    codexConfig.add(value);
                }
                case ACCESS_LOG -> accessLog = AccessLog.Format.byName(value, source);
                // Issue 13 (hardening)
                case ALLOWED_HOST -> allowedHosts.add(value, source);
                case ALLOWED_ORIGIN -> allowedOrigins.add(value, source);
                case MODEL -> model = value.isBlank() ? null : value.strip();
                case IDLE_EVENT -> idleEvent = value.strip().equals("0") ? Duration.ZERO : duration(value, source);
            }
        }

        void validate() {
            if (resolvedApi() == UpstreamApi.CODEX) {
                // codex exec runs an agent with this machine's files and the relay user's Codex
                // login: never offer it to the network without client keys.
                if (!isLoopback(host) && requiredKeys.isEmpty()) {
                    throw new IllegalArgumentException("--upstream-api codex runs a Codex agent on this machine for"
                            + " every request; binding --host " + host + " (beyond localhost) needs --require-key KEY"
                            + " (or RELAY_REQUIRE_KEYS)");
                }
                return;
            }
            if (config != null) {
                // The file describes every upstream; the one-upstream flags would be ignored silently.
                if (upstream != null || apiKey != null || !provider.equals(Providers.AUTO)) {
                    throw new IllegalArgumentException("--config describes the upstreams: give --upstream, --api-key"
                            + " and --provider (or RELAY_UPSTREAM, RELAY_API_KEY, RELAY_PROVIDER) in the file instead");
                }
                // Issue 13 §0: in config mode the file's routes (and its default_model) decide.
                if (model != null) {
                    throw new IllegalArgumentException("--config routes every model: give --model (or RELAY_MODEL) as"
                            + " default_model = \"NAME\" in the file instead");
                }
                if (resolvedApi() != UpstreamApi.CHAT) {
                    throw new IllegalArgumentException("--config serves Chat Completions upstreams only; it cannot be"
                            + " combined with --upstream-api "
                            + resolvedApi().name().toLowerCase(Locale.ROOT));
                }
                return;
            }
            String url = upstream;
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(
                        "--upstream URL (or RELAY_UPSTREAM) is required, or --config FILE for several upstreams");
            }
            Upstream.builder(url); // throws IllegalArgumentException naming a bad URL
            Providers.resolve(provider, url); // throws IllegalArgumentException listing the known names
        }

        private static boolean isLoopback(String host) {
            String h = host.strip().toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
        }

        // Issue 12: conversation state.
        private static String storeSpec(String value, String source) {
            try {
                StoreLocation.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        String.valueOf(e.getMessage()).replace("--store", source), e);
            }
            return value.strip();
        }

        /** {@code 30d}, {@code 12h}, {@code 90m} or {@code 3600s}; a bare number is days. */
        private static Duration retention(String value, String source) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            char unit = v.isEmpty() ? 'd' : v.charAt(v.length() - 1);
            String number = Character.isLetter(unit) ? v.substring(0, v.length() - 1) : v;
            try {
                long n = Long.parseLong(number.strip());
                Duration d = switch (Character.isLetter(unit) ? unit : 'd') {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 's' -> Duration.ofSeconds(n);
                    default -> throw new IllegalArgumentException(source + " takes a unit of d, h, m or s, as in 30d");
                };
                if (n < 1) {
                    throw new IllegalArgumentException(source + " must be positive");
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        source + " must be a duration such as 30d, 12h or 90m but was " + value, e);
            }
        }

        private static String sandbox(String value, String source) {
            String mode = value.strip().toLowerCase(Locale.ROOT);
            if (!mode.equals("read-only") && !mode.equals("workspace-write") && !mode.equals("danger-full-access")) {
                throw new IllegalArgumentException(
                        source + " must be read-only, workspace-write or danger-full-access but was " + value);
            }
            return mode;
        }

        private static int integer(String value, String source, int min, int max) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n < min || n > max) {
                    throw new IllegalArgumentException(source + " must be between " + min + " and " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " must be a number but was " + value, e);
            }
        }

        /** A size in bytes: {@code 64m}, {@code 1g}, {@code 500k}, plain bytes, or a share of the heap. */
        private static long size(String value, String source) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            try {
                long bytes;
                if (v.endsWith("%")) {
                    double share = Double.parseDouble(v.substring(0, v.length() - 1)) / 100;
                    if (!(share > 0) || share > 1) {
                        throw new IllegalArgumentException(source + " must be a share between 0% and 100%");
                    }
                    bytes = (long) (Runtime.getRuntime().maxMemory() * share);
                } else {
                    long unit =
                            v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : v.endsWith("g") ? 1L << 30 : 1;
                    String number = unit == 1 ? v : v.substring(0, v.length() - 1);
                    bytes = (long) (Double.parseDouble(number) * unit);
                }
                if (bytes < 1) {
                    throw new IllegalArgumentException(source + " must be positive");
                }
                return bytes;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " must be a size such as 64m or 40% but was " + value, e);
            }
        }

        private static Duration duration(String value, String source) {
            try {
                double secondsValue = Double.parseDouble(value.strip());
                if (!(secondsValue > 0) || secondsValue > 86_400) {
                    throw new IllegalArgumentException(source + " must be a positive number of seconds");
                }
                return Duration.ofMillis(Math.max(1, Math.round(secondsValue * 1000)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " must be a number of seconds but was " + value, e);
            }
        }
    }

    /**
     * A repeatable option whose variable holds a comma-separated list: flags, when given, replace
     * the variable's list as a whole (as {@code --require-key} does).
     */
    private static final class ListOption {
        private final List<String> fromEnvironment = new ArrayList<>();
        private final List<String> fromFlags = new ArrayList<>();

        void add(String value, String source) {
            List<String> target = source.startsWith("--") ? fromFlags : fromEnvironment;
            for (String piece : value.split(",", -1)) {
                if (!piece.isBlank()) {
                    target.add(piece.strip());
                }
            }
            if (source.startsWith("--") && value.isBlank()) {
                throw new IllegalArgumentException(source + " needs a non-blank value");
            }
        }

        List<String> effective() {
            return fromFlags.isEmpty() ? fromEnvironment : fromFlags;
        }
    }

    /** The options, with their flag and environment variable. */
    private enum Flag {
        HOST("--host", "RELAY_HOST"),
        PORT("--port", "RELAY_PORT"),
        UPSTREAM("--upstream", "RELAY_UPSTREAM"),
        API_KEY("--api-key", "RELAY_API_KEY"),
        PROVIDER("--provider", "RELAY_PROVIDER"),
        REQUIRE_KEY("--require-key", "RELAY_REQUIRE_KEYS"),
        RECORD("--record", "RELAY_RECORD_DIR"),
        IDLE_TIMEOUT("--idle-timeout", "RELAY_IDLE_TIMEOUT"),
        KEEP_ALIVE("--keep-alive", "RELAY_KEEP_ALIVE"),
        UPSTREAM_API("--upstream-api", "RELAY_UPSTREAM_API"),
        CODEX_BINARY("--codex-binary", "RELAY_CODEX_BINARY"),
        CODEX_MODEL("--codex-model", "RELAY_CODEX_MODEL"),
        CODEX_SANDBOX("--codex-sandbox", "RELAY_CODEX_SANDBOX"),
        CODEX_TIMEOUT("--codex-timeout", "RELAY_CODEX_TIMEOUT"),
        CODEX_HOME("--codex-home", "RELAY_CODEX_HOME"),
        CODEX_CONFIG("--codex-config", "RELAY_CODEX_CONFIG"),
        // Issue 17 (first hour) and 16 (operations): one line per request.
        ACCESS_LOG("--access-log", "RELAY_ACCESS_LOG"),
        // Issue 12: conversation state.
        STORE("--store", "RELAY_STORE"),
        STORE_RETENTION("--store-retention", "RELAY_STORE_RETENTION"),
        // Issue 18 (memory).
        MEMORY_BUDGET("--memory-budget", "RELAY_MEMORY_BUDGET"),
        MAX_OUTPUT_CHARS("--max-output-chars", "RELAY_MAX_OUTPUT_CHARS"),
        BODY_TIMEOUT("--body-timeout", "RELAY_BODY_TIMEOUT"),
        // Issue 13 (hardening)
        ALLOWED_HOST("--allowed-host", "RELAY_ALLOWED_HOSTS"),
        ALLOWED_ORIGIN("--allowed-origin", "RELAY_ALLOWED_ORIGINS"),
        // Issue 16: many upstreams from a config file.
        CONFIG("--config", "RELAY_CONFIG"),
        // Issue 13 §0: the upstream model for requests naming one it does not list.
        MODEL("--model", "RELAY_MODEL"),
        // Issue 13 §3: idle events while the upstream is silent.
        IDLE_EVENT("--idle-event", "RELAY_IDLE_EVENT");

        final String flag;
        final String env;

        Flag(String flag, String env) {
            this.flag = flag;
            this.env = env;
        }

        static @Nullable Flag byName(String name) {
            for (Flag f : values()) {
                if (f.flag.equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }
}
