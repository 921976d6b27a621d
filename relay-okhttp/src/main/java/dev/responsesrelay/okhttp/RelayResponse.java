package dev.responsesrelay.okhttp;

import dev.responsesrelay.RelayError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A complete answer for the client of a non-streamed exchange: an HTTP status, the headers that
 * matter ({@code Retry-After}) and a JSON body, either a Responses {@code response} object, a model
 * list, or an OpenAI error. Immutable.
 */
public final class RelayResponse {
    private final int httpStatus;
    private final String body;
    private final Map<String, String> headers;
    private final @Nullable RelayError error;

    private RelayResponse(int httpStatus, String body, Map<String, String> headers, @Nullable RelayError error) {
        this.httpStatus = httpStatus;
        this.body = body;
        this.headers = headers;
        this.error = error;
    }

    /** A 200 answer with {@code json} as its body. */
    public static RelayResponse success(String json) {
        Objects.requireNonNull(json, "json == null");
        return new RelayResponse(200, json, Map.of(), null);
    }

    /**
     * The answer for {@code error}: its HTTP status, its OpenAI error body and, when it names a
     * delay, a {@code Retry-After} header.
     */
    public static RelayResponse failure(RelayError error) {
        Objects.requireNonNull(error, "error == null");
        Map<String, String> headers = new LinkedHashMap<>();
        error.retryAfterHeader().ifPresent(value -> headers.put("Retry-After", value));
        return new RelayResponse(error.httpStatus(), error.toJson(), Map.copyOf(headers), error);
    }

    /** The HTTP status to answer with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The JSON body. */
    public String body() {
        return body;
    }

    /** Headers to add to the answer, such as {@code Retry-After}; empty for a success. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The error, if this is a failure. */
    public Optional<RelayError> error() {
        return Optional.ofNullable(error);
    }

    /** Whether this is a 200 answer. */
    public boolean isSuccessful() {
        return error == null;
    }

    @Override
    public String toString() {
        return error != null ? "RelayResponse{" + error + "}" : "RelayResponse{200, " + body.length() + " chars}";
    }
}
