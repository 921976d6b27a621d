package dev.responsesrelay.okhttp;

import dev.responsesrelay.ProviderProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Where a Chat Completions upstream lives and how to authenticate to it: a base URL such as {@code
 * https://api.deepseek.com/v1} (the adapter appends {@code /chat/completions} and {@code /models}),
 * an API key sent as {@code Authorization: Bearer …} or as Azure's {@code api-key} header, extra
 * headers, extra query parameters (Azure's {@code api-version}) and the provider's dialect.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class Upstream {
    /** How the API key travels. */
    private enum KeyStyle {
        NONE,
        BEARER,
        AZURE_API_KEY
    }

    private final HttpUrl baseUrl;
    private final KeyStyle keyStyle;
    private final @Nullable String apiKey;
    private final List<Map.Entry<String, String>> headers;
    private final List<Map.Entry<String, String>> queryParameters;
    private final ProviderProfile provider;
    /**
     * Resolved once: building an {@link HttpUrl} re-parses and re-encodes every segment, and the
     * same two URLs are needed for every request.
     */
    private final HttpUrl chatCompletionsUrl;

    private final HttpUrl modelsUrl;

    private Upstream(Builder b) {
        this.baseUrl = b.baseUrl;
        this.keyStyle = b.keyStyle;
        this.apiKey = b.apiKey;
        this.headers = List.copyOf(b.headers);
        this.queryParameters = List.copyOf(b.queryParameters);
        this.provider = b.provider;
        this.chatCompletionsUrl = resolve(baseUrl, queryParameters, "chat/completions");
        this.modelsUrl = resolve(baseUrl, queryParameters, "models");
    }

    /**
     * Starts an upstream at {@code baseUrl}, the URL that {@code /chat/completions} is relative to
     * (for Azure's classic surface: {@code https://RES.openai.azure.com/openai/deployments/NAME}).
     *
     * @throws IllegalArgumentException if {@code baseUrl} is not an http or https URL
     */
    public static Builder builder(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        HttpUrl parsed = HttpUrl.parse(baseUrl);
        if (parsed == null) {
            throw new IllegalArgumentException("not an http or https URL: " + baseUrl);
        }
        return new Builder(parsed);
    }

    /** A builder that starts from this upstream's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(baseUrl);
        b.keyStyle = keyStyle;
        b.apiKey = apiKey;
        b.headers.addAll(headers);
        b.queryParameters.addAll(queryParameters);
        b.provider = provider;
        return b;
    }

    /** The base URL, as given (without the key). */
    public String baseUrl() {
        return baseUrl.toString();
    }

    /** The provider's dialect; {@link ProviderProfile#GENERIC} unless set. */
    public ProviderProfile provider() {
        return provider;
    }

    /** Whether requests carry an API key. */
    public boolean hasApiKey() {
        return apiKey != null;
    }

    /** {@code {base}/chat/completions} with the extra query parameters. */
    HttpUrl chatCompletionsUrl() {
        return chatCompletionsUrl;
    }

    /** {@code {base}/models} with the extra query parameters. */
    HttpUrl modelsUrl() {
        return modelsUrl;
    }

    /** Adds the key and the extra headers to {@code request}. */
    void authenticate(okhttp3.Request.Builder request) {
        for (Map.Entry<String, String> header : headers) {
            request.header(header.getKey(), header.getValue());
        }
        String key = apiKey;
        if (key != null) {
            switch (keyStyle) {
                case BEARER -> request.header("Authorization", "Bearer " + key);
                case AZURE_API_KEY -> request.header("api-key", key);
                case NONE -> {}
            }
        }
    }

    private static HttpUrl resolve(HttpUrl baseUrl, List<Map.Entry<String, String>> queryParameters, String path) {
        HttpUrl.Builder url = baseUrl.newBuilder();
        // A base URL with a trailing slash has an empty last segment; drop it so the result has no
        // "//", as OpenAI SDKs do when they join base_url and the endpoint.
        List<String> segments = baseUrl.pathSegments();
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            url.removePathSegment(segments.size() - 1);
        }
        url.addPathSegments(path);
        for (Map.Entry<String, String> parameter : queryParameters) {
            url.setQueryParameter(parameter.getKey(), parameter.getValue());
        }
        return url.build();
    }

    /** Shows the URL, the provider and whether a key is set, never the key or header values. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Upstream{")
                .append(baseUrl.newBuilder().query(null).build())
                .append(", provider=")
                .append(provider.name());
        out.append(
                switch (keyStyle) {
                    case NONE -> ", no key";
                    case BEARER -> ", bearer key";
                    case AZURE_API_KEY -> ", api-key header";
                });
        if (!headers.isEmpty()) {
            out.append(", headers=[");
            for (int i = 0; i < headers.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(headers.get(i).getKey());
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    /** Builds an {@link Upstream}. */
    public static final class Builder {
        private final HttpUrl baseUrl;
        private KeyStyle keyStyle = KeyStyle.NONE;
        private @Nullable String apiKey;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private final List<Map.Entry<String, String>> queryParameters = new ArrayList<>();
        private ProviderProfile provider = ProviderProfile.GENERIC;

        private Builder(HttpUrl baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** Sends {@code key} as {@code Authorization: Bearer key}, as almost every provider wants. */
        public Builder bearerToken(String key) {
            return key(KeyStyle.BEARER, key);
        }

        /** Sends {@code key} in Azure OpenAI's {@code api-key} header instead of a bearer token. */
        public Builder azureApiKey(String key) {
            return key(KeyStyle.AZURE_API_KEY, key);
        }

        /** Sends no key (local servers such as Ollama or llama.cpp). */
        public Builder noApiKey() {
            this.keyStyle = KeyStyle.NONE;
            this.apiKey = null;
            return this;
        }

        private Builder key(KeyStyle style, String key) {
            Objects.requireNonNull(key, "key == null");
            if (key.isBlank() || key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("the API key must be one non-blank line");
            }
            this.keyStyle = style;
            this.apiKey = key;
            return this;
        }

        /**
         * Adds a header to every upstream request (for example OpenRouter's {@code HTTP-Referer}).
         * {@code Authorization} and {@code api-key} are refused: use {@link #bearerToken} or {@link
         * #azureApiKey}, which keep the key out of {@link Upstream#toString()}.
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(value, "value == null");
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("authorization") || lower.equals("api-key")) {
                throw new IllegalArgumentException("set the key with bearerToken() or azureApiKey(), not header()");
            }
            // Let OkHttp validate the characters now rather than on the first request.
            new okhttp3.Headers.Builder().add(name, value);
            headers.add(Map.entry(name, value));
            return this;
        }

        /** Adds a query parameter to every upstream URL (Azure: {@code api-version}). */
        public Builder queryParameter(String name, String value) {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(value, "value == null");
            queryParameters.add(Map.entry(name, value));
            return this;
        }

        /** The provider's dialect; {@link ProviderProfile#GENERIC} by default. */
        public Builder provider(ProviderProfile provider) {
            this.provider = Objects.requireNonNull(provider, "provider == null");
            return this;
        }

        /** Returns the upstream. */
        public Upstream build() {
            return new Upstream(this);
        }
    }
}
