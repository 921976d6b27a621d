package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.jspecify.annotations.Nullable;

/**
 * Request bodies, for both directions: the size limit, the content checks, reading a body and
 * answering without reading one. Transport code, so it lives here rather than in either direction's
 * handler.
 */
public final class RequestBodies {
    /**
     * Codex sends images inline as base64 data URLs, so bodies can be large; 2 MiB caps in peer
     * relays turned screenshots into "transport errors"
     * (https://github.com/MetaFARS/codex-relay/issues/2). 64 MiB is
     * generous, and still bounded.
     */
    public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private RequestBodies() {}

    /**
     * An answer given without reading the request body ends the connection: the unread rest of the
     * body would otherwise be taken for the next request, and Jetty may close the connection under
     * a client that was about to reuse it.
     */
    public static void closeIfBodyUnread(Request request, Response response) {
        if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** Refuses bodies that are not plain JSON. */
    public static @Nullable RelayError checkContentHeaders(Request request) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mediaType =
                contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            return Answers.relayError(
                    415,
                    "invalid_request_error",
                    "unsupported_media_type",
                    "the request body must be JSON with Content-Type: application/json, not "
                            + (contentType == null ? "nothing" : contentType));
        }
        String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            return Answers.relayError(
                    415,
                    "invalid_request_error",
                    "unsupported_media_type",
                    "compressed request bodies (Content-Encoding: " + encoding + ") are not supported");
        }
        return null;
    }

    public static byte[] readBody(Request request) throws IOException {
        // Issue 18: read already, without a thread, by the admission handler (AsyncBodyRead).
        if (request.removeAttribute(AsyncBodyRead.ATTRIBUTE) instanceof byte[] read) {
            return read;
        }
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) {
            throw new BodyTooLarge();
        }
        if (declared > 0) {
            return readDeclared(request, (int) declared);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Content.Source.asInputStream(request)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + n > MAX_BODY_BYTES) {
                    throw new BodyTooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    /**
     * A body of known length, read into one array of that length: no growing buffer and no final
     * copy, which held the body three times over at the end of a 30 MB read (issue 18).
     */
    private static byte[] readDeclared(Request request, int length) throws IOException {
        byte[] body = new byte[length];
        int filled = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            while (filled < length) {
                int n = in.read(body, filled, length - filled);
                if (n == -1) {
                    throw new IOException("the request body ended after " + filled + " of " + length + " bytes");
                }
                filled += n;
            }
            if (in.read() != -1) {
                throw new BodyTooLarge();
            }
        }
        return body;
    }

    public static RelayError tooLarge() {
        return Answers.relayError(
                413,
                "invalid_request_error",
                "request_too_large",
                "the request body is larger than " + (MAX_BODY_BYTES / (1024 * 1024)) + " MiB");
    }

    /** The body passed {@link #MAX_BODY_BYTES}. */
    public static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("request body too large");
        }
    }
}
