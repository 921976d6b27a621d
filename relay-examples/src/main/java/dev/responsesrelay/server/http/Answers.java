package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Complete JSON answers: successes and OpenAI-shaped errors, and the refusals both handlers share. */
public final class Answers {
    private static final Logger LOG = Logger.getLogger(Answers.class.getName());

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
