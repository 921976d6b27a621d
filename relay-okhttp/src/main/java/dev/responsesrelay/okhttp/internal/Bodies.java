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
import java.util.Arrays;
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
     * Reads a 2xx answer body whole into one array, for a translator that reads bytes: sized from
     * its {@code Content-Length} when it has one (read in place, no growing buffer's copies), else
     * grown by doubling and cut to its length once at the end. Stops and keeps nothing past {@code
     * maxBytes} ({@link Answer.Outcome#TOO_LARGE}) or when {@code admit} refuses the heap the body
     * needs ({@link Answer.Outcome#REFUSED}): {@code admit} is asked for the announced length before
     * anything is read, or for each growth of the buffer. {@code tap} sees every piece read.
     */
    static Answer readAnswer(ResponseBody body, int maxBytes, Consumer<ByteBuffer> tap, AnswerAdmission admit)
            throws IOException {
        long announced = body.contentLength();
        if (announced > maxBytes) {
            return Answer.TOO_LARGE;
        }
        byte[] bytes;
        if (announced >= 0) {
            if (!admit.admit(announced)) {
                return Answer.REFUSED;
            }
            bytes = new byte[(int) announced];
        } else {
            if (!admit.admit(Math.min(UNANNOUNCED_FIRST_BYTES, maxBytes))) {
                return Answer.REFUSED;
            }
            bytes = new byte[Math.min(UNANNOUNCED_FIRST_BYTES, maxBytes)];
        }
        int length = 0;
        try (InputStream in = body.byteStream()) {
            while (true) {
                if (length == bytes.length) {
                    if (announced >= 0) {
                        // As long as announced: only the end of the body may follow. OkHttp fails a
                        // body longer than its Content-Length, and so does this read.
                        if (in.read() != -1) {
                            throw new IOException("the upstream sent more than its Content-Length");
                        }
                        break;
                    }
                    if (bytes.length >= maxBytes) {
                        return in.read() == -1 ? Answer.of(bytes, length) : Answer.TOO_LARGE;
                    }
                    int grown = (int) Math.min(maxBytes, 2L * bytes.length);
                    if (!admit.admit(grown - bytes.length)) {
                        return Answer.REFUSED;
                    }
                    bytes = Arrays.copyOf(bytes, grown);
                }
                int n = in.read(bytes, length, bytes.length - length);
                if (n == -1) {
                    break;
                }
                tap.accept(ByteBuffer.wrap(bytes, length, n).asReadOnlyBuffer());
                length += n;
            }
        }
        return Answer.of(bytes, length);
    }

    /**
     * The first buffer for a 2xx answer without {@code Content-Length}: most answers fit, and it
     * doubles for those that do not.
     */
    static final int UNANNOUNCED_FIRST_BYTES = 64 * 1024;

    /** Asks whether the exchange may hold {@code bytes} more of heap for the answer. */
    @FunctionalInterface
    interface AnswerAdmission {
        AnswerAdmission ALWAYS = bytes -> true;

        boolean admit(long bytes);
    }

    /** What {@link #readAnswer} read: the body's bytes, or why it did not keep them. */
    static final class Answer {
        enum Outcome {
            READ,
            TOO_LARGE,
            REFUSED
        }

        static final Answer TOO_LARGE = new Answer(Outcome.TOO_LARGE, new byte[0]);
        static final Answer REFUSED = new Answer(Outcome.REFUSED, new byte[0]);

        final Outcome outcome;
        /** The whole body, exactly as long as it is (for {@link Outcome#READ}). */
        final byte[] bytes;

        private Answer(Outcome outcome, byte[] bytes) {
            this.outcome = outcome;
            this.bytes = bytes;
        }

        /** {@code bytes[0, length)}; the array itself when that is all of it. */
        static Answer of(byte[] bytes, int length) {
            // A translator reads whole arrays; a grown buffer is cut to the body once, here.
            return new Answer(Outcome.READ, length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
        }
    }

    /** A non-streamed answer past {@code limit} bytes, which {@link #readAnswer} did not keep. */
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
