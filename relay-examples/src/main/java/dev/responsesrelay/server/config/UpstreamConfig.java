package dev.responsesrelay.server.config;

import dev.responsesrelay.ProviderProfile;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@code [upstreams.NAME]} table.
 *
 * @param name the table's name, used by models and in logs and metrics
 * @param baseUrl the Chat Completions base URL (the part before {@code /chat/completions})
 * @param apiKey the key sent upstream, or null to pass the client's own
 * @param profile the provider profile, with the table's {@code profile} overrides applied
 * @param headers extra request headers (Azure's {@code api-key}, OpenRouter's {@code X-Title})
 * @param query extra query parameters (Azure's {@code api-version})
 * @param idleTimeout longest upstream silence before an answer fails
 * @param connectTimeout longest wait to connect; a connect failure falls back to the next upstream
 * @param prefix model names starting with it go to this upstream, the prefix removed
 */
public record UpstreamConfig(
        String name,
        String baseUrl,
        @Nullable String apiKey,
        ProviderProfile profile,
        Map<String, String> headers,
        Map<String, String> query,
        Duration idleTimeout,
        Duration connectTimeout,
        String prefix) {
    /** Describes the upstream for a log line: never the key itself. */
    public String describe() {
        return name + " (" + baseUrl.replaceFirst("[?#].*$", "") + ", provider " + profile.name() + ", key "
                + (apiKey == null ? "the client's, passed through" : "set") + ")";
    }
}
