package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.error.ErrorMapper;
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
 *
 * <p>Unlike {@link ErrorMapper#map}, which reclassifies every provider's error for Codex (a 422
 * becomes a 400, a 500 a 502), this keeps the upstream's status, type and code. The retry headers,
 * the quoted body excerpt and the 4xx types are read with {@link ErrorMapper}'s helpers, so both
 * directions read them alike.
 */
public final class ReverseErrors {
    private ReverseErrors() {}

    /** An HTTP error answer or a transport failure of the upstream. */
    public static RelayError fromFailure(UpstreamFailure failure) {
        Optional<String> transport = failure.transportMessage();
        if (transport.isPresent()) {
            return RelayError.of(
                    502, "server_error", null, "upstream connection failed: " + transport.get(), null, null);
        }
        int status = ErrorMapper.isErrorStatus(failure.status()) ? failure.status() : 502;
        // Only the headers: the upstream's message already carries any "try again in" phrase.
        Duration retryAfter = ErrorMapper.headerRetryDelay(failure).orElse(null);
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
        String body = ErrorMapper.bodyExcerpt(failure.body());
        String message = "upstream returned HTTP " + failure.status() + (body.isEmpty() ? "" : ": " + body);
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

    /**
     * The type for an error whose upstream gave none. The 4xx vocabulary is the forward direction's
     * ({@link ErrorMapper#invalidRequestType}); 404 and 429 have their own names here, and every 5xx
     * is a {@code server_error}.
     */
    private static String typeForStatus(int status) {
        return switch (status) {
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : ErrorMapper.invalidRequestType(status);
        };
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
}
