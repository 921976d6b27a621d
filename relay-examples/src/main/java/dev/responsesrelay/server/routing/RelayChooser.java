package dev.responsesrelay.server.routing;

import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which upstream relays serve a request: the one upstream the flags describe, or, with {@code
 * --config}, the targets {@link ModelRouter} finds for the request's model, in fallback order.
 */
public interface RelayChooser {
    /**
     * One upstream to try.
     *
     * @param upstream the upstream's name, for logs and metrics
     * @param label upstream and model, for logs
     * @param relay the relay whose translator and upstream to use
     */
    record Attempt(String upstream, String label, OkHttpRelay relay) {}

    /**
     * The upstreams to try for {@code model}, first the primary; empty if nothing routes it.
     *
     * @param clientToken the client's bearer token, passed upstream where no key is configured
     */
    List<Attempt> choose(@Nullable String model, @Nullable String clientToken);

    /** The body of {@code GET /v1/models}. */
    RelayResponse models(@Nullable String clientToken);

    /** For a 404 {@code model_not_found}: where the models a client may use come from. */
    String whereModelsComeFrom();

    /** Records what a request saw of an upstream, for {@code /readyz}. */
    void observe(String upstream, boolean reachable, String detail);

    /** Each upstream's last known state, refreshed from its model list when older than a minute. */
    Map<String, ModelCatalog.UpstreamState> upstreamStates();

    /**
     * One upstream as the flags describe it: every model goes there.
     *
     * @param quickModels fetches the upstream's model list with a short timeout, for {@code /readyz}
     */
    static RelayChooser single(
            String upstreamName,
            Function<@Nullable String, OkHttpRelay> relayForToken,
            Supplier<RelayResponse> quickModels) {
        ModelCatalog.UpstreamState unknown = new ModelCatalog.UpstreamState(null, "not contacted yet", null);
        Map<String, ModelCatalog.UpstreamState> state = new ConcurrentHashMap<>();
        return new RelayChooser() {
            @Override
            public void observe(String upstream, boolean reachable, String detail) {
                state.put(upstreamName, new ModelCatalog.UpstreamState(reachable, detail, Instant.now()));
            }

            @Override
            public Map<String, ModelCatalog.UpstreamState> upstreamStates() {
                Instant at = state.getOrDefault(upstreamName, unknown).at();
                if (at == null || at.isBefore(Instant.now().minus(ModelCatalog.TTL))) {
                    RelayResponse answer = quickModels.get();
                    observe(
                            upstreamName,
                            answer.isSuccessful() || (answer.httpStatus() != 502 && answer.httpStatus() != 504),
                            "GET /models answered HTTP " + answer.httpStatus());
                }
                return Map.of(upstreamName, state.getOrDefault(upstreamName, unknown));
            }

            @Override
            public List<Attempt> choose(@Nullable String model, @Nullable String clientToken) {
                return List.of(new Attempt(upstreamName, upstreamName, relayForToken.apply(clientToken)));
            }

            @Override
            public RelayResponse models(@Nullable String clientToken) {
                return relayForToken.apply(clientToken).models();
            }

            @Override
            public String whereModelsComeFrom() {
                return "the upstream's GET /models";
            }
        };
    }

    /** The routes of a {@code --config} file. */
    static RelayChooser routed(ModelRouter router) {
        return new RelayChooser() {
            @Override
            public List<Attempt> choose(@Nullable String model, @Nullable String clientToken) {
                if (model == null) {
                    return List.of();
                }
                List<Attempt> attempts = new ArrayList<>();
                router.route(model).ifPresent(route -> {
                    for (ModelRouter.Target target : route.targets()) {
                        attempts.add(new Attempt(target.upstream(), target.label(), target.relay(clientToken)));
                    }
                });
                return attempts;
            }

            @Override
            public RelayResponse models(@Nullable String clientToken) {
                return RelayResponse.success(router.modelsJson());
            }

            @Override
            public String whereModelsComeFrom() {
                return router.whereModelsComeFrom();
            }

            @Override
            public void observe(String upstream, boolean reachable, String detail) {
                router.observe(upstream, reachable, detail);
            }

            @Override
            public Map<String, ModelCatalog.UpstreamState> upstreamStates() {
                router.modelsJson(); // refreshes lists older than a minute, in parallel, briefly
                return router.upstreamStates();
            }
        };
    }
}
