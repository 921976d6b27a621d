package dev.responsesrelay.codexconfig;

import dev.responsesrelay.server.responses.UpstreamUrls;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parsed {@code codex-config} command line.
 *
 * @param upstream the Chat Completions base URL, for example {@code https://api.deepseek.com/v1}
 * @param apiKey the upstream key, used only to list the models; never written to the config
 * @param port the port the relay listens on, on 127.0.0.1
 * @param model the default model, or null for the first one the upstream lists
 * @param contextWindow a context size for every model, or null to read or look it up per model
 * @param providerName the provider's display name in Codex
 * @param providerId the provider's key in {@code [model_providers.<id>]}
 * @param outDir where to write the files, or null to print them (or, with a profile, Codex's home)
 * @param profile the Codex profile to write next to an existing {@code config.toml}, or null
 */
record CodexConfigOptions(
        String upstream,
        @Nullable String apiKey,
        int port,
        @Nullable String model,
        @Nullable Integer contextWindow,
        String providerName,
        String providerId,
        @Nullable Path outDir,
        @Nullable String profile) {

    static final int DEFAULT_PORT = 4444;
    static final String DEFAULT_PROVIDER_NAME = "Responses Relay";
    static final String DEFAULT_PROVIDER_ID = "relay";

    /** Smallest context that leaves room for Codex's own prompt (about 6k tokens with tools). */
    static final int MIN_CONTEXT_WINDOW = 16_000;

    /**
     * Provider ids Codex 0.169 refuses to see redefined ("model_providers contains reserved built-in
     * provider IDs", observed), and names it takes for OpenAI's own service: {@code OpenAI} and
     * {@code azure} switch it to remote compaction, which a Chat upstream cannot serve (docs/codex-wire.md
     * §3.2). Derived names and ids always carry a relay suffix, so these can only be reached by a bug.
     */
    private static final Set<String> RESERVED = Set.of("openai", "azure", "ollama", "lmstudio", "amazon-bedrock");

    static final String USAGE = """
            Usage: codex-config --upstream URL [--api-key KEY] [--port 4444] [--model M]
                                [--context-window N] [--provider NAME] [--out DIR]
                                [--profile NAME]

            Writes a Codex CLI config.toml and model catalog that send Codex to the relay on
            http://127.0.0.1:PORT/v1, listing every model GET URL/models returns.

              --upstream URL        Chat Completions base URL (the one the relay forwards to)
              --api-key KEY         key for GET URL/models; not written to any file
              --port N              port the relay listens on (default 4444)
              --model M             default model (default: the first one listed)
              --context-window N    context size for every model (default: what the upstream
                                    reports, else a per-family default, else 128000)
              --provider NAME       the upstream's name, as given to the relay (e.g. deepseek);
                                    Codex shows "NAME via Responses Relay" (default
                                    "Responses Relay")
              --out DIR             write DIR/config.toml and DIR/relay-catalog.json
                                    (default: print both); use DIR as CODEX_HOME
              --profile NAME        leave config.toml alone and write the Codex profile
                                    NAME.config.toml and relay-catalog.json next to it, in
                                    --out DIR, else $CODEX_HOME, else ~/.codex; a file it
                                    replaces is kept as FILE.bak. Run codex --profile NAME.
            """;

    /**
     * Parses {@code --flag value} and {@code --flag=value} arguments.
     *
     * @return the options, or null if help was asked for
     * @throws CodexConfigException with the usage exit code for anything malformed
     */
    static @Nullable CodexConfigOptions parse(String[] args) {
        String upstream = null;
        String apiKey = null;
        int port = DEFAULT_PORT;
        String model = null;
        Integer contextWindow = null;
        String upstreamName = null;
        Path outDir = null;
        String profile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            String flag = arg;
            String value;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw CodexConfigException.usage(arg.startsWith("--") ? arg + " needs a value" : "unexpected " + arg);
            }
            switch (flag) {
                case "--upstream" -> upstream = checkUrl(UpstreamUrls.chatBase(value));
                case "--api-key" -> apiKey = value.isEmpty() ? null : value;
                case "--port" -> port = parseInt(flag, value, 1, 65_535);
                case "--model" -> model = nonBlank(flag, value);
                case "--context-window" -> contextWindow = parseInt(flag, value, MIN_CONTEXT_WINDOW, 100_000_000);
                case "--provider" -> upstreamName = nonBlank(flag, value);
                case "--out" -> outDir = Path.of(nonBlank(flag, value));
                case "--profile" -> profile = profileName(value);
                default -> throw CodexConfigException.usage("unknown option " + flag);
            }
        }
        if (upstream == null) {
            throw CodexConfigException.usage("--upstream URL is required");
        }
        String providerName =
                upstreamName == null ? DEFAULT_PROVIDER_NAME : upstreamName + " via " + DEFAULT_PROVIDER_NAME;
        String providerId = upstreamName == null ? DEFAULT_PROVIDER_ID : providerId(upstreamName);
        return new CodexConfigOptions(
                upstream, apiKey, port, model, contextWindow, providerName, providerId, outDir, profile);
    }

    /** The relay's Responses base URL, which Codex posts {@code /responses} to. */
    String relayBaseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    /**
     * A TOML-bare-key-safe provider id for an upstream name: {@code deepseek} becomes {@code
     * deepseek-relay}. The suffix keeps every name clear of Codex's reserved and OpenAI-only ids, so
     * {@code --provider openai} (the relay's OpenAI dialect) still yields a custom provider.
     */
    static String providerId(String upstreamName) {
        String slug = upstreamName
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_-]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.isEmpty()) {
            throw CodexConfigException.usage("--provider needs at least one letter or digit");
        }
        String id = slug + "-" + DEFAULT_PROVIDER_ID;
        if (RESERVED.contains(id)) {
            throw new IllegalStateException("derived a reserved Codex provider id " + id);
        }
        return id;
    }

    private static String checkUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw CodexConfigException.usage("--upstream must be an http(s) URL but was " + value);
            }
        } catch (URISyntaxException e) {
            throw CodexConfigException.usage("--upstream is not a URL: " + e.getMessage());
        }
        return value;
    }

    /** A profile name Codex can take as a file name: {@code NAME.config.toml} in its home. */
    private static String profileName(String value) {
        if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
            throw CodexConfigException.usage(
                    "--profile must be letters, digits, - or _ (it names the file NAME.config.toml) but was " + value);
        }
        return value;
    }

    private static String nonBlank(String flag, String value) {
        if (value.isBlank()) {
            throw CodexConfigException.usage(flag + " must not be blank");
        }
        return value;
    }

    private static int parseInt(String flag, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw CodexConfigException.usage(flag + " must be a whole number but was " + value);
        }
        if (parsed < min || parsed > max) {
            throw CodexConfigException.usage(flag + " must be in [" + min + ", " + max + "] but was " + parsed);
        }
        return parsed;
    }
}
