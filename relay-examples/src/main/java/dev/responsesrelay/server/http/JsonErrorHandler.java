package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Errors Jetty answers by itself, before a handler runs (a malformed request line, headers too
 * large, a bad URI): the same OpenAI error body as every other relay error, instead of Jetty's HTML
 * page, so a client's error handling sees one shape.
 */
public final class JsonErrorHandler extends ErrorHandler {
    /** Creates the handler. */
    public JsonErrorHandler() {}

    @Override
    protected void generateResponse(
            Request request,
            Response response,
            int code,
            @Nullable String message,
            @Nullable Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, errorFor(code, message).toJson(), callback);
    }

    static RelayError errorFor(int status, @Nullable String message) {
        int code = status >= 400 && status <= 599 ? status : 500;
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        return RelayError.of(
                code,
                code < 500 ? "invalid_request_error" : "server_error",
                null,
                "HTTP " + code + ": " + text,
                null,
                null);
    }
}
