package dev.responsesrelay.examples.server;

import dev.responsesrelay.RelayError;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Complete JSON answers: successes and OpenAI-shaped errors. */
public final class Answers {
    private Answers() {}

    /** Answers with {@code status} and {@code json}, completing {@code callback} when written. */
    public static void json(
            Response response, Callback callback, int status, String json, Map<String, String> headers) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        Content.Sink.write(response, true, json, callback);
    }

    /**
     * Answers with {@code error}: its status, its body and its {@code Retry-After} (Codex retries an
     * HTTP 429 after that many seconds and treats a 429 without it as fatal, CODEX-WIRE.md §2.3).
     */
    public static void error(Response response, Callback callback, RelayError error) {
        json(
                response,
                callback,
                error.httpStatus(),
                error.toJson(),
                error.retryAfterHeader().map(v -> Map.of("Retry-After", v)).orElse(Map.of()));
    }

    /** A 4xx/5xx error of our own making, with OpenAI's error shape. */
    public static RelayError relayError(int status, String type, String code, String message) {
        return RelayError.of(status, type, code, message, null, null);
    }
}
