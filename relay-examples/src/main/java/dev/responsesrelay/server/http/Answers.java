package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/** Complete JSON answers: successes and OpenAI-shaped errors, and the refusals both handlers share. */
public final class Answers {
    private static final Logger LOG = Logger.getLogger(Answers.class.getName());

    private Answers() {}

    /**
     * Answers longer than this many chars are encoded and written a slice at a time ({@link
     * #writeInSlices}); shorter ones at once.
     */
    static final int SLICE_CHARS = 64 * 1024;

    /** Answers with {@code status} and {@code json}, completing {@code callback} when written. */
    public static void json(
            Response response, Callback callback, int status, String json, Map<String, String> headers) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        if (json.length() <= SLICE_CHARS) {
            Content.Sink.write(response, true, json, callback);
        } else {
            writeInSlices(response, json, callback);
        }
    }

    /**
     * Writes a large answer (a non-streamed response object, up to the output bound's worth of
     * text) as UTF-8 without making all of it one more {@code byte[]}, as {@code
     * Content.Sink.write(String)} does: each slice of {@link #SLICE_CHARS} is encoded once the one
     * before it was written (issue 18). The {@code Content-Length} is counted first, so the client
     * sees the same answer as before, not a chunked one.
     */
    static void writeInSlices(Response response, String json, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, utf8Length(json));
        new IteratingCallback() {
            private int next;

            @Override
            protected Action process() {
                if (next == json.length()) {
                    return Action.SUCCEEDED;
                }
                int end = Math.min(json.length(), next + SLICE_CHARS);
                if (end < json.length() && Character.isHighSurrogate(json.charAt(end - 1))) {
                    end++; // a surrogate pair is encoded whole, as one 4-byte sequence
                }
                ByteBuffer slice = StandardCharsets.UTF_8.encode(CharBuffer.wrap(json, next, end));
                next = end;
                response.write(next == json.length(), slice, this);
                return Action.SCHEDULED;
            }

            @Override
            protected void onCompleteSuccess() {
                callback.succeeded();
            }

            @Override
            protected void onCompleteFailure(Throwable cause) {
                callback.failed(cause);
            }
        }.iterate();
    }

    /**
     * How many bytes {@code text} takes in UTF-8 as {@link StandardCharsets#UTF_8} encodes it: a lone
     * surrogate becomes its one-byte replacement {@code ?}.
     */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Answers with {@code error}: its status, its body and its {@code Retry-After} (Codex retries an
     * HTTP 429 after that many seconds and treats a 429 without it as fatal, docs/codex-wire.md §2.3).
     */
    public static void error(Response response, Callback callback, RelayError error) {
        json(
                response,
                callback,
                error.httpStatus(),
                error.toJson(),
                error.retryAfterHeader().map(v -> Map.of("Retry-After", v)).orElse(Map.of()));
    }

    /**
     * Whether {@code request} uses the {@code allowed} method; if not, answers 405 with {@code
     * Allow}. Shared by both directions' handlers.
     */
    static boolean methodAllowed(Request request, String allowed, Response response, Callback callback) {
        String method = request.getMethod();
        if (method.equals(allowed)) {
            return true;
        }
        RequestBodies.closeIfBodyUnread(request, response);
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        error(
                response,
                callback,
                relayError(
                        405,
                        "invalid_request_error",
                        "method_not_allowed",
                        "method " + method + " is not allowed here; use " + allowed));
        return false;
    }

    /**
     * Whether the request's bearer token is one {@code clientKeys} accepts; if not, answers 401 with
     * {@code WWW-Authenticate: Bearer}.
     */
    static boolean authorized(Request request, ClientKeys clientKeys, Response response, Callback callback) {
        String token = ClientKeys.bearerToken(request.getHeaders());
        if (clientKeys.accepts(token)) {
            return true;
        }
        LOG.fine(() -> "refused a client presenting key " + ClientKeys.mask(token));
        RequestBodies.closeIfBodyUnread(request, response);
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        error(
                response,
                callback,
                relayError(
                        401,
                        "invalid_request_error",
                        "invalid_api_key",
                        "missing or unknown API key: send Authorization: Bearer <key> with a key this relay accepts"));
        return false;
    }

    /** Answers 404 for a path the server does not serve; {@code served} lists what it does serve. */
    public static void notFound(Request request, Response response, Callback callback, String served) {
        RequestBodies.closeIfBodyUnread(request, response);
        error(
                response,
                callback,
                relayError(
                        404,
                        "invalid_request_error",
                        "not_found",
                        "unknown path " + Request.getPathInContext(request) + "; this relay serves " + served));
    }

    /**
     * A bug of ours while handling {@code request}: logged with its stack trace, and still a
     * well-formed 500 if nothing was sent yet.
     */
    static void unexpectedFailure(Request request, Response response, Callback callback, RuntimeException e) {
        LOG.log(
                Level.WARNING,
                "unexpected failure handling " + request.getMethod() + " " + Request.getPathInContext(request),
                e);
        if (!response.isCommitted()) {
            error(response, callback, relayError(500, "server_error", "server_error", "the relay failed: " + e));
        } else {
            callback.failed(e);
        }
    }

    /** A 4xx/5xx error of our own making, with OpenAI's error shape. */
    public static RelayError relayError(int status, String type, String code, String message) {
        return RelayError.of(status, type, code, message, null, null);
    }
}
