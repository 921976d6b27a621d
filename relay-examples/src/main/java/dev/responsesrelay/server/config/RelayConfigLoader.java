package dev.responsesrelay.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.responsesrelay.ProviderProfile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads {@code relay.toml} into a {@link RelayConfig}, failing with file, line and key. */
final class RelayConfigLoader {
    private static final Set<String> TOP_KEYS = Set.of("upstreams", "models", "default_model");
    private static final Set<String> UPSTREAM_KEYS = Set.of(
            "base_url",
            "api_key_env",
            "api_key",
            "provider",
            "headers",
            "query",
            "timeout_seconds",
            "connect_timeout_seconds",
            "prefix",
            "profile");
    private static final Set<String> MODEL_KEYS =
            Set.of("upstream", "upstream_model", "aliases", "context_window", "reasoning", "extra_body", "fallbacks");

    /** The dots of a table header that are not inside quotes: {@code models."qwen3.5".x}. */
    private static final java.util.regex.Pattern HEADER_DOTS =
            java.util.regex.Pattern.compile("\\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");

    private final Path file;
    private final Map<String, String> env;
    private final List<String> warnings = new ArrayList<>();
    private List<String> lines = List.of();

    RelayConfigLoader(Path file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    RelayConfig load() throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file (" + e.getMessage() + ")", e);
        }
        lines = text.lines().toList();
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            JsonLocation where = e.getLocation();
            String line = where == null || where.getLineNr() < 1 ? "" : ":" + where.getLineNr();
            throw new ConfigException(file + line + ": not valid TOML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": empty config file");
        }
        checkKeys(root, TOP_KEYS, List.of());
        JsonNode upstreamTables = root.path("upstreams");
        if (!upstreamTables.isObject() || upstreamTables.isEmpty()) {
            throw new ConfigException(file + ": no [upstreams.NAME] table; at least one upstream is needed");
        }
        List<UpstreamConfig> upstreams = new ArrayList<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> entry : upstreamTables.properties()) {
            UpstreamConfig upstream = upstream(entry.getKey(), entry.getValue());
            if (!prefixes.add(upstream.prefix())) {
                throw error(
                        List.of("upstreams", entry.getKey(), "prefix"),
                        "the prefix " + upstream.prefix() + " is used by two upstreams");
            }
            upstreams.add(upstream);
        }
        List<ModelConfig> models = new ArrayList<>();
        JsonNode modelTables = root.path("models");
        if (!modelTables.isMissingNode() && !modelTables.isObject()) {
            throw error(List.of("models"), "must be a table of [models.\"NAME\"] tables");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> entry : modelTables.properties()) {
            ModelConfig model = model(entry.getKey(), entry.getValue(), upstreams);
            for (String name : concat(model.name(), model.aliases())) {
                if (!names.add(name)) {
                    throw error(List.of("models", entry.getKey()), "the name " + name + " is used twice");
                }
            }
            models.add(model);
        }
        for (ModelConfig model : models) {
            for (String fallback : model.fallbacks()) {
                if (!names.contains(fallback) && !hasPrefix(fallback, upstreams)) {
                    throw error(
                            List.of("models", model.name(), "fallbacks"),
                            "the fallback " + fallback + " is neither a [models] name or alias nor prefixed with an"
                                    + " upstream's prefix (" + String.join(", ", prefixes) + ")");
                }
                if (fallback.equals(model.name()) || model.aliases().contains(fallback)) {
                    throw error(List.of("models", model.name(), "fallbacks"), "a model cannot fall back to itself");
                }
            }
        }
        Optional<String> defaultModel = Optional.empty();
        if (root.has("default_model")) {
            String value = string(root.get("default_model"), List.of("default_model"));
            defaultModel = Optional.of(value);
        }
        return new RelayConfig(file, List.copyOf(upstreams), List.copyOf(models), defaultModel, List.copyOf(warnings));
    }

    private UpstreamConfig upstream(String name, JsonNode table) throws ConfigException {
        List<String> at = List.of("upstreams", name);
        if (!table.isObject()) {
            throw error(at, "must be a table");
        }
        checkKeys(table, UPSTREAM_KEYS, at);
        if (!table.has("base_url")) {
            throw error(at, "base_url is missing");
        }
        String baseUrl = string(table.get("base_url"), path(at, "base_url")).strip();
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw error(path(at, "base_url"), "not a URL: " + baseUrl);
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw error(path(at, "base_url"), "must be an http(s) URL, was " + baseUrl);
        }
        String trimmed = baseUrl.replaceAll("/+$", "");
        if (trimmed.endsWith("/chat/completions")) {
            throw error(
                    path(at, "base_url"),
                    "give the base URL, the part before /chat/completions: "
                            + trimmed.substring(0, trimmed.length() - "/chat/completions".length()));
        }
        String apiKey = null;
        if (table.has("api_key_env")) {
            String variable = string(table.get("api_key_env"), path(at, "api_key_env"));
            String value = env.get(variable);
            if (value == null || value.isBlank()) {
                throw error(path(at, "api_key_env"), "the environment variable " + variable + " is not set");
            }
            apiKey = value.strip();
        }
        if (table.has("api_key")) {
            if (apiKey != null) {
                throw error(path(at, "api_key"), "give api_key_env or api_key, not both");
            }
            apiKey = string(table.get("api_key"), path(at, "api_key"));
            warnings.add(where(path(at, "api_key")) + ": a literal key in the config file; prefer api_key_env = \"VAR\""
                    + " so the key stays out of files");
        }
        String provider = table.has("provider")
                ? string(table.get("provider"), path(at, "provider")).toLowerCase(Locale.ROOT)
                : "auto";
        ProviderProfile profile;
        if (provider.equals("auto")) {
            profile = ProviderProfile.detect(baseUrl);
        } else {
            profile = ProviderProfile.byName(provider)
                    .orElseThrow(() -> error(
                            path(at, "provider"),
                            "unknown provider " + provider + "; known: auto, "
                                    + String.join(
                                            ", ",
                                            ProviderProfile.builtIns().stream()
                                                    .map(ProviderProfile::name)
                                                    .toList())));
        }
        if (table.has("profile")) {
            profile = ProfileOverrides.apply(profile, table.get("profile"), path(at, "profile"), this);
        }
        // Issue 16: reasoning state is given back only to the upstream that produced it (its field
        // as received, OpenRouter's details, Gemini's signatures); text still goes to any upstream in
        // the field its profile names. See ProviderProfile.replayScope and docs/PROVIDERS.md.
        profile = profile.toBuilder().replayScope(profile.name() + "@" + name).build();
        Duration idle = table.has("timeout_seconds")
                ? seconds(table.get("timeout_seconds"), path(at, "timeout_seconds"))
                : Duration.ofMinutes(5);
        Duration connect = table.has("connect_timeout_seconds")
                ? seconds(table.get("connect_timeout_seconds"), path(at, "connect_timeout_seconds"))
                : Duration.ofSeconds(10);
        String prefix = table.has("prefix") ? string(table.get("prefix"), path(at, "prefix")) : name + "/";
        return new UpstreamConfig(
                name,
                baseUrl,
                apiKey,
                profile,
                stringMap(table.get("headers"), path(at, "headers")),
                stringMap(table.get("query"), path(at, "query")),
                idle,
                connect,
                prefix);
    }

    private ModelConfig model(String name, JsonNode table, List<UpstreamConfig> upstreams) throws ConfigException {
        List<String> at = List.of("models", name);
        if (!table.isObject()) {
            throw error(at, "must be a table");
        }
        checkKeys(table, MODEL_KEYS, at);
        if (!table.has("upstream")) {
            throw error(at, "upstream is missing (the [upstreams.X] this model goes to)");
        }
        String upstream = string(table.get("upstream"), path(at, "upstream"));
        if (upstreams.stream().noneMatch(u -> u.name().equals(upstream))) {
            throw error(
                    path(at, "upstream"),
                    "no [upstreams." + upstream + "]; known: "
                            + String.join(
                                    ", ",
                                    upstreams.stream().map(UpstreamConfig::name).toList()));
        }
        String upstreamModel =
                table.has("upstream_model") ? string(table.get("upstream_model"), path(at, "upstream_model")) : name;
        OptionalInt contextWindow = OptionalInt.empty();
        if (table.has("context_window")) {
            JsonNode value = table.get("context_window");
            if (!value.canConvertToInt() || value.asInt() < 1) {
                throw error(path(at, "context_window"), "must be a positive whole number of tokens");
            }
            contextWindow = OptionalInt.of(value.asInt());
        }
        Optional<Boolean> reasoning = Optional.empty();
        if (table.has("reasoning")) {
            reasoning = Optional.of(bool(table.get("reasoning"), path(at, "reasoning")));
        }
        Optional<String> extraBody = Optional.empty();
        if (table.has("extra_body")) {
            extraBody = Optional.of(object(table.get("extra_body"), path(at, "extra_body")));
        }
        return new ModelConfig(
                name,
                upstream,
                upstreamModel,
                strings(table.get("aliases"), path(at, "aliases")),
                contextWindow,
                reasoning,
                extraBody,
                strings(table.get("fallbacks"), path(at, "fallbacks")));
    }

    // ---- value readers, each failing with the key's place

    String string(JsonNode value, List<String> at) throws ConfigException {
        if (!value.isTextual() || value.asText().isBlank()) {
            throw error(at, "must be a non-empty string");
        }
        return value.asText();
    }

    boolean bool(JsonNode value, List<String> at) throws ConfigException {
        if (!value.isBoolean()) {
            throw error(at, "must be true or false");
        }
        return value.asBoolean();
    }

    String object(JsonNode value, List<String> at) throws ConfigException {
        if (!value.isObject()) {
            throw error(at, "must be a table (an inline table such as { thinking = { type = \"disabled\" } })");
        }
        return value.toString();
    }

    List<String> strings(@Nullable JsonNode value, List<String> at) throws ConfigException {
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw error(at, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            out.add(string(item, at));
        }
        return List.copyOf(out);
    }

    private Map<String, String> stringMap(@Nullable JsonNode value, List<String> at) throws ConfigException {
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw error(at, "must be a table of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            out.put(entry.getKey(), string(entry.getValue(), path(at, entry.getKey())));
        }
        return Map.copyOf(out);
    }

    private Duration seconds(JsonNode value, List<String> at) throws ConfigException {
        if (!value.isNumber() || !(value.asDouble() > 0) || value.asDouble() > 86_400) {
            throw error(at, "must be a number of seconds between 0 and 86400");
        }
        return Duration.ofMillis(Math.round(value.asDouble() * 1000));
    }

    void checkKeys(JsonNode table, Set<String> known, List<String> at) throws ConfigException {
        for (Iterator<String> it = table.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw error(
                        path(at, key),
                        "unknown key; known here: "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    // ---- places

    ConfigException error(List<String> at, String message) {
        return new ConfigException(where(at) + ": " + String.join(".", at) + ": " + message);
    }

    /**
     * {@code relay.toml:LINE} for a key. Jackson's TOML reader keeps no positions for values, so the
     * line is found in the text: the key's table header ({@code [upstreams.deepseek]}) then the
     * first {@code key =} line under it; a dotted key on one line ({@code upstreams.deepseek.x =})
     * and inline tables are found by the key's last part after the header.
     */
    String where(List<String> at) {
        int line = locate(at);
        return line > 0 ? file + ":" + line : file.toString();
    }

    private int locate(List<String> at) {
        int best = 0;
        int from = 0;
        // The longest table header that names a prefix of the path.
        for (int depth = at.size(); depth >= 1 && best == 0; depth--) {
            List<String> table = at.subList(0, depth);
            for (int i = 0; i < lines.size(); i++) {
                if (isHeader(lines.get(i), table)) {
                    best = i + 1;
                    from = i + 1;
                    if (depth < at.size()) {
                        int key = findKey(at.get(depth), from);
                        if (key > 0) {
                            best = key;
                        }
                    }
                    break;
                }
            }
        }
        if (best == 0 && !at.isEmpty()) {
            best = findKey(at.get(at.size() - 1), 0);
        }
        return best;
    }

    private static boolean isHeader(String line, List<String> table) {
        String stripped = line.strip();
        if (!stripped.startsWith("[") || stripped.startsWith("[[")) {
            return false;
        }
        int close = stripped.indexOf(']');
        if (close < 0) {
            return false;
        }
        List<String> parts = new ArrayList<>();
        for (String part : HEADER_DOTS.split(stripped.substring(1, close), -1)) {
            parts.add(part.strip().replaceAll("^\"|\"$", ""));
        }
        return parts.equals(table);
    }

    private int findKey(String key, int from) {
        for (int i = from; i < lines.size(); i++) {
            String stripped = lines.get(i).strip();
            if (i > from && stripped.startsWith("[")) {
                return 0; // the next table: the key is not in this one
            }
            if (stripped.matches("\"?" + java.util.regex.Pattern.quote(key) + "\"?\\s*=.*")
                    || stripped.contains(" " + key + " =")
                    || stripped.contains("{" + key + " =")
                    || stripped.contains("{ " + key + " =")) {
                return i + 1;
            }
        }
        return 0;
    }

    static List<String> path(List<String> at, String key) {
        List<String> out = new ArrayList<>(at);
        out.add(key);
        return List.copyOf(out);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    private static boolean hasPrefix(String model, List<UpstreamConfig> upstreams) {
        return upstreams.stream()
                .anyMatch(u -> model.startsWith(u.prefix())
                        && model.length() > u.prefix().length());
    }
}
