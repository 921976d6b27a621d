package dev.responsesrelay.server.routing;

import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.Upstream;
import dev.responsesrelay.server.config.UpstreamConfig;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/** One configured upstream, ready to relay to: its OkHttp relay, key and name. */
final class RoutedUpstream {
    private final UpstreamConfig config;
    private final OkHttpRelay relay;

    RoutedUpstream(UpstreamConfig config, OkHttpClient client, dev.responsesrelay.ResponsesTranslator base) {
        this.config = config;
        OkHttpClient own =
                client.newBuilder().connectTimeout(config.connectTimeout()).build();
        Upstream upstream = upstream(config, config.profile(), null);
        this.relay = OkHttpRelay.builder(own, upstream)
                .translator(base.newBuilder().provider(config.profile()).build())
                .idleTimeout(config.idleTimeout())
                .build();
    }

    String name() {
        return config.name();
    }

    UpstreamConfig config() {
        return config;
    }

    /** Whether the client's own bearer token goes upstream (no key configured). */
    boolean passesClientKey() {
        return config.apiKey() == null;
    }

    /** The relay for the upstream's own profile; the configured key, or none. */
    OkHttpRelay relay() {
        return relay;
    }

    /**
     * The relay for one model of this upstream ({@code profile} carries the model's overrides) and
     * one client: with the client's token upstream when the upstream has no key of its own.
     */
    OkHttpRelay relay(ProviderProfile profile, @Nullable String clientToken) {
        return relay.withUpstream(upstream(config, profile, passesClientKey() ? clientToken : null));
    }

    private static Upstream upstream(UpstreamConfig config, ProviderProfile profile, @Nullable String clientToken) {
        Upstream.Builder builder = Upstream.builder(config.baseUrl()).provider(profile);
        String key = config.apiKey() != null ? config.apiKey() : clientToken;
        if (key != null) {
            // Azure OpenAI takes its key in an api-key header rather than as a bearer token.
            if (profile.name().equals("azure")) {
                builder.azureApiKey(key);
            } else {
                builder.bearerToken(key);
            }
        }
        for (Map.Entry<String, String> header : config.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        for (Map.Entry<String, String> parameter : config.query().entrySet()) {
            builder.queryParameter(parameter.getKey(), parameter.getValue());
        }
        return builder.build();
    }
}
