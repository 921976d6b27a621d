package dev.responsesrelay.okhttp.internal;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.Translation;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.error.ErrorMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/** Small helpers for reading upstream answers. */
final class Bodies {
    /** Error bodies are short; more than this is a misbehaving upstream and is cut. */
    static final int MAX_ERROR_BODY_BYTES = 1024 * 1024;

    /**
     * A complete non-streamed answer can be large (long completions, big tool arguments), but not
     * unbounded: past this the exchange fails instead of exhausting the heap.
     */
    static final int MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;

    private Bodies() {}

    /** Reads at most {@code maxBytes} of {@code body} as UTF-8, handing every piece to {@code tap}. */
    static BoundedBody read(ResponseBody body, int maxBytes, Consumer<ByteBuffer> tap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[16 * 1024];
        boolean truncated = false;
        try (InputStream in = body.byteStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                tap.accept(ByteBuffer.wrap(buffer, 0, n).asReadOnlyBuffer());
                int room = maxBytes - out.size();
                if (n > room) {
                    out.write(buffer, 0, room);
                    truncated = true;
                    break;
                }
                out.write(buffer, 0, n);
            }
        }
        return new BoundedBody(out.toString(StandardCharsets.UTF_8), truncated);
    }

    /**
     * Reads {@code body} whole as UTF-8 if it has at most {@code maxBytes}, else stops there and
     * returns null, keeping nothing of it (issue 18: a runaway non-streamed answer must not be held).
     * {@code tap} sees every piece read. A body that announces its length is read into one array of
     * that length, without the copies a growing buffer makes.
     */
    static @Nullable String readWhole(ResponseBody body, int maxBytes, Consumer<ByteBuffer> tap) throws IOException {
        long announced = body.contentLength();
        if (announced > maxBytes) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(announced >= 0 ? (int) announced : 8192);
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = body.byteStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                tap.accept(ByteBuffer.wrap(buffer, 0, n).asReadOnlyBuffer());
                if (n > maxBytes - out.size()) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A non-streamed answer past {@code limit} bytes, which {@link #readWhole} did not keep. */
    static UpstreamFailure answerTooLarge(int limit) {
        return UpstreamFailure.transport("the upstream's non-streamed answer is larger than " + limit
                + " bytes, more than an answer within the relay's output bound (--max-output-chars) can take;"
                + " ask with stream:true to get what fits, ending incomplete");
    }

    /** A body read up to a limit. */
    record BoundedBody(String text, boolean truncated) {}

    /** Whether the body is JSON rather than an event stream. */
    static boolean isJson(ResponseBody body) {
        MediaType type = body.contentType();
        if (type == null) {
            return false;
        }
        String subtype = type.subtype().toLowerCase(Locale.ROOT);
        return subtype.equals("json") || subtype.endsWith("+json");
    }

    /** Response headers as one value per name (the last), which is what the error mapper reads. */
    static Map<String, String> singleValued(Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i++) {
            map.put(headers.name(i), headers.value(i));
        }
        return map;
    }

    /** The HTTP failure of an error answer whose body was read already. */
    static UpstreamFailure httpFailure(Response response, String body) {
        return UpstreamFailure.http(response.code(), body, singleValued(response.headers()))
                .withUrl(calledUrl(response.request()));
    }

    /**
     * Describes a transport failure in words a user can act on; the idle timeout gets its own
     * message because it is the one the relay chose.
     */
    static UpstreamFailure transportFailure(IOException e, Duration idleTimeout, Request request) {
        if (e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
            return UpstreamFailure.transport(
                            "the upstream sent nothing for " + describe(idleTimeout) + " (relay idle timeout)")
                    .withUrl(calledUrl(request));
        }
        // The core's error mapper already says "The upstream connection to … failed: …"; only the
        // cause goes here.
        String message = e.getMessage();
        return UpstreamFailure.transport(
                        e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message))
                .withUrl(calledUrl(request));
    }

    /**
     * The method and URL the relay called, for error messages: without the query, where Azure and
     * Gemini clients may put a key.
     */
    static String calledUrl(Request request) {
        return request.method() + " "
                + request.url().newBuilder().query(null).fragment(null).build();
    }

    private static String describe(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /**
     * Maps a failure with the translation's error mapper. The mapper never throws on bad input by
     * contract; if it does anyway, the client still gets a well-formed 502 instead of a dropped
     * connection.
     */
    static RelayError map(@Nullable Translation translation, UpstreamFailure failure) {
        try {
            return translation != null ? translation.mapFailure(failure) : ErrorMapper.map(failure);
        } catch (RuntimeException e) {
            return RelayError.of(
                    502,
                    "server_error",
                    "server_error",
                    "the relay could not map the upstream failure (" + failure + "): " + e,
                    null,
                    null);
        }
    }
}
