package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Maps failures of a Responses upstream to the OpenAI errors a Chat Completions client expects. The
 * upstream already speaks OpenAI's error shape ({@code {"error":{"message","type","param","code"}}}
 * for HTTP errors, {@code response.error {code, message}} inside a stream), so the mapping mostly
 * keeps what the upstream said and fills in what Chat clients need: an HTTP status for errors that
 * arrive inside a 200 stream, and a type where Responses gives only a code.
 */
public final class ReverseErrors {
    private static final int MAX_BODY_IN_MESSAGE = 500;

    private ReverseErrors() {}

    /** An HTTP error answer or a transport failure of the upstream. */
    public static RelayError fromFailure(UpstreamFailure failure) {
        Optional<String> transport = failure.transportMessage();
        if (transport.isPresent()) {
            return RelayError.of(
                    502, "server_error", null, "upstream connection failed: " + transport.get(), null, null);
        }
        int status = failure.status() >= 400 && failure.status() <= 599 ? failure.status() : 502;
        Duration retryAfter = retryAfter(failure);
        JsonNode error = readError(failure.body());
        if (error != null && error.isObject()) {
            String message = text(error, "message");
            String type = text(error, "type");
            return RelayError.of(
                    status,
                    type != null ? type : typeForStatus(status),
                    text(error, "code"),
                    message != null ? message : "upstream returned HTTP " + failure.status(),
                    text(error, "param"),
                    retryAfter);
        }
        if (error != null && error.isTextual()) {
            return RelayError.of(status, typeForStatus(status), null, error.textValue(), null, retryAfter);
        }
        String body = failure.body().strip();
        String message = "upstream returned HTTP " + failure.status() + (body.isEmpty() ? "" : ": " + truncate(body));
        return RelayError.of(status, typeForStatus(status), null, message, null, retryAfter);
    }

    /**
     * The {@code error} of a {@code response.failed} event or a failed response object, or the
     * payload of a streaming {@code error} event (whose fields sit at the top level, or under {@code
     * error} on some servers).
     */
    static RelayError fromErrorObject(JsonNode error, String fallbackMessage) {
        JsonNode source = error.path("error").isObject() ? error.path("error") : error;
        String code = text(source, "code");
        String message = text(source, "message");
        int status = statusForCode(code);
        String type = text(source, "type");
        if (type == null || type.equals("error")) { // a streaming error event's own "type":"error"
            type = typeForStatus(status);
        }
        return RelayError.of(
                status, type, code, message != null ? message : fallbackMessage, text(source, "param"), null);
    }

    /** The upstream broke the Responses streaming protocol; nothing it said can be trusted. */
    static RelayError protocol(String message) {
        return RelayError.of(502, "server_error", null, message, null, null);
    }

    /**
     * The status a Chat client would have got had the error come before the stream: these codes are
     * the ones OpenAI documents with a 400 or 429, and everything else is the server's fault.
     */
    private static int statusForCode(@Nullable String code) {
        if (code == null) {
            return 500;
        }
        return switch (code) {
            case "context_length_exceeded", "invalid_prompt", "invalid_request_error", "invalid_image" -> 400;
            case "rate_limit_exceeded", "insufficient_quota" -> 429;
            case "server_is_overloaded", "slow_down" -> 503;
            default -> 500;
        };
    }

    private static String typeForStatus(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status < 500 ? "invalid_request_error" : "server_error";
        };
    }

    private static @Nullable Duration retryAfter(UpstreamFailure failure) {
        Optional<String> millis = failure.header("retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Duration.ofMillis(
                        Math.max(0, (long) Double.parseDouble(millis.get().strip())));
            } catch (NumberFormatException e) {
                // fall back to Retry-After
            }
        }
        Optional<String> seconds = failure.header("retry-after");
        if (seconds.isPresent()) {
            try {
                return Duration.ofMillis(
                        Math.max(0, (long) (Double.parseDouble(seconds.get().strip()) * 1000)));
            } catch (NumberFormatException e) {
                return null; // an HTTP date; rare from API servers, and a client backs off anyway
            }
        }
        return null;
    }

    private static @Nullable JsonNode readError(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root == null || !root.isObject()) {
                return null;
            }
            JsonNode error = root.get("error");
            return error == null || error.isNull() ? null : error;
        } catch (IOException e) {
            return null; // not JSON: the body text goes into the message instead
        }
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static String truncate(String body) {
        return body.length() <= MAX_BODY_IN_MESSAGE ? body : body.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }
}
