package dev.responsesrelay.server.responses;

import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.server.routing.RelayChooser;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The relay for each client key when the relay has no key of its own and passes the client's bearer
 * token upstream. Each {@link OkHttpRelay} is built once per key and then reused: building the
 * {@code Upstream} and the relay for every request showed up in the first-byte profile
 * (docs/BENCHMARKS.md, "Time to first byte"). All of them share the one {@code OkHttpClient}, so
 * the connection pool is shared too.
 */
public final class PassThroughRelays {
    /**
     * A relay serves a handful of keys; the cap only stops a client that cycles through made-up keys
     * from growing the map without end. Past it the map starts over, which costs a rebuild per key.
     */
    static final int MAX_KEYS = 256;

    private final OkHttpRelay configured;
    private final boolean passClientKey;
    private final OkHttpRelay keyless;
    private final ConcurrentHashMap<String, OkHttpRelay> byKey = new ConcurrentHashMap<>();

    /**
     * @param configured the relay as configured; used as is when {@code passClientKey} is false
     * @param passClientKey whether requests go upstream with the client's key instead
     */
    public PassThroughRelays(OkHttpRelay configured, boolean passClientKey) {
        this.configured = configured;
        this.passClientKey = passClientKey;
        this.keyless = passClientKey
                ? configured.withUpstream(
                        configured.upstream().toBuilder().noApiKey().build())
                : configured;
    }

    /** The relay for a request that presented {@code token} (null: none). */
    public OkHttpRelay forToken(@Nullable String token) {
        if (!passClientKey) {
            return configured;
        }
        if (token == null) {
            return keyless;
        }
        OkHttpRelay relay = byKey.get(token);
        if (relay != null) {
            return relay;
        }
        if (byKey.size() >= MAX_KEYS) {
            byKey.clear();
        }
        return byKey.computeIfAbsent(
                token,
                key -> configured.withUpstream(
                        configured.upstream().toBuilder().bearerToken(key).build()));
    }

    /**
     * The flags' one upstream as a {@link RelayChooser}: every model goes there.
     *
     * @param quickClient a client with a short call timeout, for {@code /readyz}'s model-list probe
     */
    public static RelayChooser chooser(OkHttpRelay configured, boolean passClientKey, OkHttpClient quickClient) {
        PassThroughRelays relays = new PassThroughRelays(configured, passClientKey);
        return RelayChooser.single(
                "upstream",
                relays::forToken,
                () -> OkHttpRelay.create(quickClient, relays.forToken(null).upstream())
                        .models());
    }

    /** How many keys have a relay built; for tests. */
    int size() {
        return byKey.size();
    }
}
