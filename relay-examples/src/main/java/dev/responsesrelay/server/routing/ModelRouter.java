package dev.responsesrelay.server.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.server.config.ModelConfig;
import dev.responsesrelay.server.config.RelayConfig;
import dev.responsesrelay.server.config.UpstreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Decides where each request's {@code model} goes, in this order: a {@code [models]} name or alias;
 * an upstream's prefix ({@code deepseek/deepseek-chat} → the {@code deepseek} upstream, model {@code
 * deepseek-chat}); a model an upstream lists in its own {@code /models}; the config's {@code
 * default_model}. Anything else is unknown, and the caller answers 404 {@code model_not_found} with
 * {@link #whereModelsComeFrom()}. Thread-safe.
 */
public final class ModelRouter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Routes built for prefixed and listed names; bounded so that random names cannot grow it. */
    private static final int MAX_CACHED_ROUTES = 1024;

    private final RelayConfig config;
    private final Map<String, RoutedUpstream> upstreams = new LinkedHashMap<>();
    private final Map<String, ModelConfig> byName = new LinkedHashMap<>();
    private final ModelCatalog catalog;
    private final Map<String, Route> cache = new ConcurrentHashMap<>();

    /** One place a request can go: an upstream, the model name sent there, and the profile to use. */
    public static final class Target {
        private final RoutedUpstream upstream;
        private final String upstreamModel;
        private final ProviderProfile profile;

        Target(RoutedUpstream upstream, String upstreamModel, ProviderProfile profile) {
            this.upstream = upstream;
            this.upstreamModel = upstreamModel;
            this.profile = profile;
        }

        /** The upstream's name. */
        public String upstream() {
            return upstream.name();
        }

        /** The model name sent upstream. */
        public String upstreamModel() {
            return upstreamModel;
        }

        /** The upstream's profile with the model's overrides. */
        public ProviderProfile profile() {
            return profile;
        }

        /** The relay for this target and one client (whose token goes upstream if no key is set). */
        public OkHttpRelay relay(@Nullable String clientToken) {
            return upstream.relay(profile, clientToken);
        }

        /** For logs: {@code deepseek/deepseek-chat}. */
        public String label() {
            return upstream.name() + "/" + upstreamModel;
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /**
     * Where one model name goes: the first target, then its fallbacks in order.
     *
     * @param model the name the client asked for
     * @param targets at least one
     */
    public record Route(String model, List<Target> targets) {}

    /** Builds the router; nothing is fetched until a model list is needed. */
    public ModelRouter(RelayConfig config, OkHttpClient client, ResponsesTranslator base, Duration listTimeout) {
        this.config = config;
        for (UpstreamConfig upstream : config.upstreams()) {
            upstreams.put(upstream.name(), new RoutedUpstream(upstream, client, base));
        }
        for (ModelConfig model : config.models()) {
            byName.put(model.name(), model);
            for (String alias : model.aliases()) {
                byName.put(alias, model);
            }
        }
        this.catalog = new ModelCatalog(List.copyOf(upstreams.values()), client, listTimeout);
    }

    /** The route for {@code model}, or empty when nothing routes it. */
    public Optional<Route> route(String model) {
        Route cached = cache.get(model);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Route> route = resolve(model, true);
        if (route.isPresent()) {
            if (cache.size() >= MAX_CACHED_ROUTES) {
                cache.clear();
            }
            cache.put(model, route.get());
        } else {
            Optional<String> fallback = config.defaultModel();
            if (fallback.isPresent() && !fallback.get().equals(model)) {
                return resolve(fallback.get(), true).map(r -> new Route(model, r.targets()));
            }
        }
        return route;
    }

    private Optional<Route> resolve(String model, boolean withFallbacks) {
        ModelConfig configured = byName.get(model);
        if (configured != null) {
            List<Target> targets = new ArrayList<>();
            targets.add(target(configured.upstream(), configured.upstreamModel(), model, configured));
            if (withFallbacks) {
                for (String fallback : configured.fallbacks()) {
                    resolve(fallback, false).ifPresent(r -> targets.addAll(r.targets()));
                }
            }
            return Optional.of(new Route(model, List.copyOf(targets)));
        }
        for (RoutedUpstream upstream : upstreams.values()) {
            String prefix = upstream.config().prefix();
            if (model.startsWith(prefix) && model.length() > prefix.length()) {
                return Optional.of(new Route(
                        model, List.of(target(upstream.name(), model.substring(prefix.length()), model, null))));
            }
        }
        Optional<String> lister = catalog.upstreamListing(model);
        return lister.map(name -> new Route(model, List.of(target(name, model, model, null))));
    }

    private Target target(String upstreamName, String upstreamModel, String requested, @Nullable ModelConfig model) {
        RoutedUpstream upstream = upstreams.get(upstreamName);
        if (upstream == null) {
            throw new IllegalStateException("no upstream " + upstreamName); // the loader checked this
        }
        return new Target(
                upstream, upstreamModel, profileFor(upstream.config().profile(), requested, upstreamModel, model));
    }

    /**
     * The upstream's profile with the model's overrides: its {@code extra_body}, its reasoning
     * switch, and the upstream model name when it differs from the requested one. The name rides in
     * the profile's extra body, which docs/PROVIDERS.md documents as merged last into every upstream
     * body; the profile keeps its name, so reasoning bound to the provider replays as before.
     */
    static ProviderProfile profileFor(
            ProviderProfile base, String requested, String upstreamModel, @Nullable ModelConfig model) {
        ObjectNode extra = JSON.createObjectNode();
        base.extraBodyJson().ifPresent(json -> deepMerge(extra, parse(json)));
        if (model != null) {
            model.extraBodyJson().ifPresent(json -> deepMerge(extra, parse(json)));
        }
        if (!upstreamModel.equals(requested)) {
            extra.put("model", upstreamModel);
        }
        boolean reasoningOff = model != null && model.reasoning().map(on -> !on).orElse(false);
        if (extra.isEmpty() && !reasoningOff) {
            return base;
        }
        ProviderProfile.Builder builder = base.toBuilder().extraBodyJson(extra.isEmpty() ? null : extra.toString());
        if (reasoningOff) {
            builder.reasoningControl(ProviderProfile.ReasoningControl.NONE);
        }
        return builder.build();
    }

    /**
     * The merged {@code GET /v1/models} body: configured names and aliases (with {@code
     * context_window} when configured, else the upstream entry's own context fields), then every
     * upstream's listed models, as listed and under the upstream's prefix. {@code codex-config
     * --upstream http://RELAY/v1} reads this list, so one Codex provider's catalog holds every
     * routed model.
     */
    public String modelsJson() {
        Map<String, Map<String, JsonNode>> listings = catalog.listings();
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        Set<String> seen = new LinkedHashSet<>();
        for (ModelConfig model : config.models()) {
            JsonNode listed = listings.getOrDefault(model.upstream(), Map.of()).get(model.upstreamModel());
            for (String name : names(model)) {
                ObjectNode entry = add(data, seen, name, model.upstream(), listed);
                if (entry != null && model.contextWindow().isPresent()) {
                    entry.put("context_window", model.contextWindow().getAsInt());
                }
            }
        }
        for (Map.Entry<String, Map<String, JsonNode>> listing : listings.entrySet()) {
            RoutedUpstream upstream = upstreams.get(listing.getKey());
            String prefix = upstream == null ? "" : upstream.config().prefix();
            for (Map.Entry<String, JsonNode> entry : listing.getValue().entrySet()) {
                add(data, seen, entry.getKey(), listing.getKey(), entry.getValue());
                add(data, seen, prefix + entry.getKey(), listing.getKey(), entry.getValue());
            }
        }
        return body.toString();
    }

    private static List<String> names(ModelConfig model) {
        List<String> names = new ArrayList<>();
        names.add(model.name());
        names.addAll(model.aliases());
        return names;
    }

    /** The names a client may use, for the 404's message. */
    public String whereModelsComeFrom() {
        StringBuilder out = new StringBuilder();
        if (!config.models().isEmpty()) {
            out.append("configured models: ");
            List<String> names = new ArrayList<>();
            for (ModelConfig model : config.models()) {
                names.add(model.name()
                        + (model.aliases().isEmpty() ? "" : " (" + String.join(", ", model.aliases()) + ")"));
            }
            out.append(String.join(", ", names)).append("; ");
        }
        List<String> prefixes = new ArrayList<>();
        for (RoutedUpstream upstream : upstreams.values()) {
            prefixes.add(upstream.config().prefix() + "…");
        }
        out.append("any model an upstream serves, with its prefix: ").append(String.join(", ", prefixes));
        out.append("; the models each upstream lists in GET /v1/models (")
                .append(config.source())
                .append(")");
        return out.toString();
    }

    /** Each upstream's last known state, for {@code /readyz}. */
    public Map<String, ModelCatalog.UpstreamState> upstreamStates() {
        return catalog.states();
    }

    /** Records an upstream's failure or success as seen by a request. */
    public void observe(String upstream, boolean reachable, String detail) {
        catalog.observe(upstream, reachable, detail);
    }

    /** The first configured upstream's relay, for what needs one upstream (recording names). */
    public OkHttpRelay firstRelay() {
        return upstreams.values().iterator().next().relay();
    }

    /** Every configured upstream's name, in file order. */
    public List<String> upstreamNames() {
        return List.copyOf(upstreams.keySet());
    }

    /** Stops the catalog's fetch threads. */
    public void close() {
        catalog.close();
    }

    /** Adds an entry (a copy of the upstream's, if any, renamed), unless the name is there already. */
    private static @Nullable ObjectNode add(
            ArrayNode data, Set<String> seen, String id, String owner, @Nullable JsonNode upstreamEntry) {
        if (!seen.add(id)) {
            return null;
        }
        ObjectNode entry = upstreamEntry instanceof ObjectNode listed ? listed.deepCopy() : JSON.createObjectNode();
        entry.put("id", id).put("object", "model").put("owned_by", owner);
        if (!entry.has("created")) {
            entry.put("created", 0);
        }
        data.add(entry);
        return entry;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e); // checked when the config was loaded
        }
    }

    private static void deepMerge(ObjectNode into, JsonNode from) {
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue().isObject()) {
                deepMerge(target, field.getValue());
            } else {
                into.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }
}
