package dev.responsesrelay.server.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Every upstream's own model list ({@code GET {base}/models}), fetched in parallel with a short
 * timeout and kept for a minute; an upstream that is down keeps its last good list and is reported
 * down, and the others stay listed.
 */
public final class ModelCatalog {
    /** How long a fetched list is used before it is fetched again. */
    static final Duration TTL = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the relay last saw of one upstream.
     *
     * @param reachable whether the last model-list fetch or request reached it, or null before any
     * @param detail what was seen, in a few words
     * @param at when
     */
    public record UpstreamState(
            @Nullable Boolean reachable,
            String detail,
            @Nullable Instant at) {}

    /** One upstream's list: each entry as the upstream sent it (its context fields kept). */
    private record Listing(Map<String, JsonNode> entries, long fetchedNanos) {}

    private final List<RoutedUpstream> upstreams;
    private final Map<String, OkHttpRelay> listers = new LinkedHashMap<>();
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    private final Map<String, UpstreamState> states = new ConcurrentHashMap<>();
    private final ExecutorService fetchers;

    ModelCatalog(List<RoutedUpstream> upstreams, OkHttpClient client, Duration timeout) {
        this.upstreams = upstreams;
        OkHttpClient quick =
                client.newBuilder().callTimeout(timeout).connectTimeout(timeout).build();
        for (RoutedUpstream upstream : upstreams) {
            listers.put(
                    upstream.name(), OkHttpRelay.create(quick, upstream.relay().upstream()));
            states.put(upstream.name(), new UpstreamState(null, "not contacted yet", null));
        }
        this.fetchers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "relay-model-lists");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The first upstream, in config order, whose list holds {@code model}. */
    Optional<String> upstreamListing(String model) {
        for (Map.Entry<String, Map<String, JsonNode>> listing : listings().entrySet()) {
            if (listing.getValue().containsKey(model)) {
                return Optional.of(listing.getKey());
            }
        }
        return Optional.empty();
    }

    /** Each upstream's current list (refreshed first where older than {@link #TTL}), in config order. */
    Map<String, Map<String, JsonNode>> listings() {
        refreshStale();
        Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
        for (RoutedUpstream upstream : upstreams) {
            Listing listing = listings.get(upstream.name());
            out.put(upstream.name(), listing == null ? Map.of() : listing.entries());
        }
        return out;
    }

    Map<String, UpstreamState> states() {
        Map<String, UpstreamState> out = new LinkedHashMap<>();
        for (RoutedUpstream upstream : upstreams) {
            out.put(
                    upstream.name(),
                    states.getOrDefault(upstream.name(), new UpstreamState(null, "not contacted yet", null)));
        }
        return out;
    }

    void observe(String upstream, boolean reachable, String detail) {
        if (states.containsKey(upstream)) {
            states.put(upstream, new UpstreamState(reachable, detail, Instant.now()));
        }
    }

    void close() {
        fetchers.shutdownNow();
    }

    private void refreshStale() {
        long now = System.nanoTime();
        List<CompletableFuture<Void>> fetches = new ArrayList<>();
        for (RoutedUpstream upstream : upstreams) {
            Listing listing = listings.get(upstream.name());
            if (listing == null || now - listing.fetchedNanos() > TTL.toNanos()) {
                fetches.add(CompletableFuture.runAsync(() -> fetch(upstream.name()), fetchers));
            }
        }
        // Every fetch has the short call timeout, so this waits at most about that long.
        CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).join();
    }

    private void fetch(String name) {
        OkHttpRelay lister = listers.get(name);
        if (lister == null) {
            return;
        }
        try {
            RelayResponse answer = lister.models();
            if (!answer.isSuccessful()) {
                keepOldList(name);
                observe(
                        name,
                        answer.httpStatus() != 502 && answer.httpStatus() != 504,
                        "GET /models answered HTTP " + answer.httpStatus());
                return;
            }
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            JsonNode root = JSON.readTree(answer.body());
            JsonNode list = root == null ? null : root.isArray() ? root : root.path("data");
            if (list != null) {
                for (JsonNode entry : list) {
                    String id = entry.path("id").asText("");
                    if (!id.isEmpty() && entry.isObject()) {
                        entries.putIfAbsent(id, entry);
                    }
                }
            }
            listings.put(name, new Listing(Map.copyOf(entries), System.nanoTime()));
            observe(name, true, "lists " + entries.size() + " model(s)");
        } catch (Exception e) {
            keepOldList(name);
            observe(name, false, "GET /models failed: " + e.getClass().getSimpleName());
        }
    }

    /** A failed fetch keeps the last good list, and is tried again after the TTL. */
    private void keepOldList(String name) {
        Listing old = listings.get(name);
        listings.put(name, new Listing(old == null ? Map.of() : old.entries(), System.nanoTime()));
    }
}
