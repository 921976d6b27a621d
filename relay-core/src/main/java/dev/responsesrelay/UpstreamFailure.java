package dev.responsesrelay;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Something went wrong talking to the Chat Completions upstream: an HTTP error status with its body,
 * or a transport failure (connection refused, reset, idle timeout).
 */
public final class UpstreamFailure {
    private final int status;
    private final String body;
    private final Map<String, String> headers;
    private final @Nullable String transportMessage;
    private final @Nullable String url;

    private UpstreamFailure(
            int status,
            String body,
            Map<String, String> headers,
            @Nullable String transportMessage,
            @Nullable String url) {
        this.status = status;
        this.body = body;
        this.headers = headers;
        this.transportMessage = transportMessage;
        this.url = url;
    }

    /**
     * An HTTP error answer.
     *
     * @param status the HTTP status the upstream returned
     * @param body the response body as text, possibly empty
     * @param headers response headers; names are matched case-insensitively. The ones that matter
     *     are the retry hints: {@code Retry-After}, {@code retry-after-ms} and {@code
     *     x-ratelimit-reset-requests}/{@code -tokens}
     */
    public static UpstreamFailure http(int status, String body, Map<String, String> headers) {
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(headers, "headers == null");
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        return new UpstreamFailure(status, body, java.util.Collections.unmodifiableMap(lower), null, null);
    }

    /** An HTTP error answer without headers. */
    public static UpstreamFailure http(int status, String body) {
        return http(status, body, Map.of());
    }

    /** A failure below HTTP: the connection broke, or no bytes arrived within the idle timeout. */
    public static UpstreamFailure transport(String message) {
        Objects.requireNonNull(message, "message == null");
        return new UpstreamFailure(0, "", Map.of(), message, null);
    }

    /**
     * This failure, naming the URL the relay called, so that the error a client sees says it came
     * from the upstream and from where (issue 17: a 404 from a base URL without {@code /v1} looked
     * like the relay's own). Pass the URL without its query: some providers take keys there.
     */
    public UpstreamFailure withUrl(String calledUrl) {
        Objects.requireNonNull(calledUrl, "calledUrl == null");
        return new UpstreamFailure(status, body, headers, transportMessage, calledUrl);
    }

    /** The URL the relay called, if the adapter said ({@link #withUrl}). */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** Whether this is a transport failure rather than an HTTP answer. */
    public boolean isTransport() {
        return transportMessage != null;
    }

    /** The HTTP status, or 0 for a transport failure. */
    public int status() {
        return status;
    }

    /** The response body, empty for a transport failure. */
    public String body() {
        return body;
    }

    /** A response header by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** All response headers, names in lower case. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The transport failure's description, if this is one. */
    public Optional<String> transportMessage() {
        return Optional.ofNullable(transportMessage);
    }

    @Override
    public String toString() {
        return transportMessage != null
                ? "UpstreamFailure{transport: " + transportMessage + "}"
                : "UpstreamFailure{HTTP " + status + "}";
    }
}
