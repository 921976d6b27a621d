package dev.responsesrelay.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.Translation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.jspecify.annotations.Nullable;

/**
 * {@code --record DIR}: writes every exchange to {@code DIR/<timestamp>-<n>/}, the way fixtures get
 * captured and users report bugs. Files are named for what they hold, {@code <where>.<API>.<format>}:
 *
 * <ul>
 *   <li>{@code request.responses.json}: the inbound Responses request body, verbatim (over the
 *       WebSocket transport: the {@code response.create} message);
 *   <li>{@code request.headers.json}: its headers, without credentials;
 *   <li>{@code request.chat.json}: the Chat Completions body sent upstream;
 *   <li>{@code upstream.chat.sse} (streamed) or {@code upstream.chat.json}: the upstream's body as
 *       received, byte for byte;
 *   <li>{@code response.responses.sse}: the events sent to the client (over WebSocket: each frame's
 *       text as one {@code data:} event), or {@code response.responses.json}: the JSON answer (a
 *       response object or an error);
 *   <li>{@code exchange.json}: statuses, the upstream URL without its query, and what went wrong.
 * </ul>
 *
 * <p>In the reverse direction ({@code --upstream-api responses|codex}, {@link Layout#REVERSE}) the
 * two APIs swap places: {@code request.chat.json} is the inbound Chat request, {@code
 * request.responses.json} the Responses request sent upstream, {@code upstream.responses.sse} (or
 * {@code .json}) the upstream's answer (for Codex: the events it produced), and {@code
 * response.chat.sse} or {@code response.chat.json} what the client got.
 *
 * <p>Credentials never reach the disk: {@code Authorization}, {@code api-key}, {@code Cookie} and
 * similar headers are dropped, the relay's own key is never part of any recorded body, and the
 * upstream URL is written without its query string (some providers take keys there).
 */
public final class ExchangeRecorder {
    private static final Logger LOG = Logger.getLogger(ExchangeRecorder.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> SECRET_HEADERS = Set.of(
            "authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie", "x-goog-api-key");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Which API is in front and which behind: it names the files. */
    public enum Layout {
        /** Responses clients, a Chat Completions upstream (the default direction; also WebSocket). */
        FORWARD("responses", "chat"),
        /** Chat Completions clients, a Responses upstream or Codex ({@code --upstream-api}). */
        REVERSE("chat", "responses");

        private final String inbound;
        private final String upstream;

        Layout(String inbound, String upstream) {
            this.inbound = inbound;
            this.upstream = upstream;
        }
    }

    private final @Nullable Path dir;
    private final Clock clock;
    private final AtomicLong counter = new AtomicLong();

    private ExchangeRecorder(@Nullable Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** A recorder that records nothing. */
    public static ExchangeRecorder disabled() {
        return new ExchangeRecorder(null, Clock.systemUTC());
    }

    /** A recorder that writes under {@code dir}, creating it if needed. */
    public static ExchangeRecorder into(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the record directory " + dir, e);
        }
        return new ExchangeRecorder(dir, Clock.systemUTC());
    }

    /** Whether exchanges are recorded. */
    public boolean enabled() {
        return dir != null;
    }

    /** Starts recording one forward exchange whose request is {@code body} with {@code headers}. */
    public Recording begin(String method, String path, HttpFields headers, byte[] body) {
        return begin(Layout.FORWARD, method, path, headers, body);
    }

    /** Starts recording one exchange in {@code layout} whose request is {@code body} with {@code headers}. */
    public Recording begin(Layout layout, String method, String path, HttpFields headers, byte[] body) {
        Path root = dir;
        if (root == null) {
            return Recording.NONE;
        }
        try {
            Path exchangeDir = root.resolve(STAMP.format(clock.instant()) + "-" + counter.incrementAndGet());
            Files.createDirectories(exchangeDir);
            Files.write(exchangeDir.resolve("request." + layout.inbound + ".json"), body);
            ObjectNode head = JSON.createObjectNode();
            head.put("method", method).put("path", path);
            ObjectNode headerNode = head.putObject("headers");
            for (HttpField field : headers) {
                String name = field.getName().toLowerCase(Locale.ROOT);
                if (!SECRET_HEADERS.contains(name)) {
                    headerNode.put(name, field.getValue());
                }
            }
            JSON.writeValue(exchangeDir.resolve("request.headers.json").toFile(), head);
            return new FileRecording(exchangeDir, layout);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "recording failed; this exchange is not recorded", e);
            return Recording.NONE;
        }
    }

    /** One exchange being recorded. Methods are called from one thread at a time. */
    public interface Recording {
        /** Records nothing. */
        Recording NONE = new Recording() {};

        /** The request sent upstream to {@code url}: Chat in the forward direction, Responses in reverse. */
        default void upstreamRequest(String url, String json, boolean streamed) {}

        /**
         * The Chat request {@code translation} sends upstream to {@code url}, written to the file
         * from the translation itself: {@link Translation#chatRequestJson()} would make a whole
         * copy of a request that may carry a 30 MB screenshot, only to record it (issue 18).
         */
        default void upstreamRequest(String url, Translation translation) {}

        /** The upstream's status line. */
        default void upstreamResponse(int status, Headers headers) {}

        /** Raw upstream body bytes. */
        default void upstreamBytes(ByteBuffer bytes) {}

        /** Bytes of SSE events sent to the client. */
        default void outboundEvents(byte[] sse) {}

        /** A complete JSON answer sent to the client. */
        default void answer(int status, String json) {}

        /** A note on what went wrong, kept in {@code exchange.json}. */
        default void note(String text) {}

        /** The exchange is over; flushes and closes the files. */
        default void close() {}
    }

    /** A recording in one directory. */
    private static final class FileRecording implements Recording {
        private final Path dir;
        private final Layout layout;
        private final ObjectNode meta = JSON.createObjectNode();
        private @Nullable OutputStream upstream;
        private @Nullable OutputStream outbound;
        private boolean streamed;
        private boolean failed;
        /** After close() nothing is written: late upstream bytes must not reopen a closed file. */
        private boolean closed;

        FileRecording(Path dir, Layout layout) {
            this.dir = dir;
            this.layout = layout;
        }

        @Override
        public synchronized void upstreamRequest(String url, String json, boolean streamed) {
            this.streamed = streamed;
            meta.put("upstream_url", url);
            meta.put("upstream_streams", streamed);
            write("request." + layout.upstream + ".json", json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void upstreamRequest(String url, Translation translation) {
            this.streamed = translation.upstreamStreams();
            meta.put("upstream_url", url);
            meta.put("upstream_streams", streamed);
            try (OutputStream out = Files.newOutputStream(dir.resolve("request." + layout.upstream + ".json"))) {
                translation.writeChatRequest(out);
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        public synchronized void upstreamResponse(int status, Headers headers) {
            meta.put("upstream_status", status);
            String type = headers.get("Content-Type");
            if (type != null) {
                // What the upstream sent decides the file's extension, not what was asked for.
                streamed = type.toLowerCase(Locale.ROOT).contains("text/event-stream");
            }
            ObjectNode headerNode = meta.putObject("upstream_headers");
            for (int i = 0; i < headers.size(); i++) {
                String name = headers.name(i).toLowerCase(Locale.ROOT);
                if (!SECRET_HEADERS.contains(name)) {
                    headerNode.put(name, headers.value(i));
                }
            }
        }

        @Override
        public synchronized void upstreamBytes(ByteBuffer bytes) {
            if (closed) {
                return;
            }
            OutputStream out = upstream;
            if (out == null) {
                out = open("upstream." + layout.upstream + (streamed ? ".sse" : ".json"));
                upstream = out;
            }
            append(out, bytes);
        }

        @Override
        public synchronized void outboundEvents(byte[] sse) {
            if (closed) {
                return;
            }
            OutputStream out = outbound;
            if (out == null) {
                out = open("response." + layout.inbound + ".sse");
                outbound = out;
            }
            append(out, ByteBuffer.wrap(sse));
        }

        @Override
        public synchronized void answer(int status, String json) {
            if (closed) {
                return;
            }
            meta.put("status", status);
            // Encoded as it is written, in small pieces: getBytes would copy a large answer whole.
            try (Writer out = Files.newBufferedWriter(dir.resolve("response." + layout.inbound + ".json"))) {
                out.write(json);
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        public synchronized void note(String text) {
            meta.withArray("notes").add(text);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (OutputStream out : new OutputStream[] {upstream, outbound}) {
                if (out != null) {
                    try {
                        out.close();
                    } catch (IOException e) {
                        fail(e);
                    }
                }
            }
            try {
                // Written aside and moved in place: exchange.json marks a complete recording, so a
                // reader that sees it (a test, a script collecting a bug report) reads all of it.
                Path partial = dir.resolve("exchange.json.partial");
                JSON.writeValue(partial.toFile(), meta);
                Files.move(partial, dir.resolve("exchange.json"), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                fail(e);
            }
        }

        private @Nullable OutputStream open(String name) {
            try {
                return Files.newOutputStream(dir.resolve(name));
            } catch (IOException e) {
                fail(e);
                return null;
            }
        }

        private void append(@Nullable OutputStream out, ByteBuffer bytes) {
            if (out == null) {
                return;
            }
            try {
                ByteBuffer copy = bytes.duplicate();
                byte[] chunk = new byte[copy.remaining()];
                copy.get(chunk);
                out.write(chunk);
            } catch (IOException e) {
                fail(e);
            }
        }

        private void write(String name, byte[] bytes) {
            try {
                Files.write(dir.resolve(name), bytes);
            } catch (IOException e) {
                fail(e);
            }
        }

        private void fail(IOException e) {
            if (!failed) {
                failed = true;
                LOG.log(Level.WARNING, "recording to " + dir + " failed; it is incomplete", e);
            }
        }
    }
}
