package dev.responsesrelay.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Reads one SSE stream per call with the JDK's HTTP client, counting text deltas without building
 * strings, so that the client costs little next to the relay on a 2-core machine. It speaks to the
 * relay ({@code POST /v1/responses}, counting {@code response.output_text.delta} events) or, for
 * comparison, straight to the upstream ({@code POST /v1/chat/completions}, counting content
 * chunks). Thread-safe; each call blocks its thread until the stream ends.
 */
final class SseClient {
    /** Which side the client talks to. */
    enum Target {
        /** The relay: Responses events. */
        RELAY,
        /** The upstream itself: Chat Completions chunks. */
        DIRECT
    }

    private static final byte[] RELAY_DELTA = bytes("\"delta\":\"t");
    private static final byte[] DIRECT_DELTA = bytes("\"content\":\"t");
    private static final byte[] RELAY_TERMINAL = bytes("data: {\"type\":\"response.");
    private static final byte[] DONE = bytes("data: [DONE]");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /**
     * Streams one answer of the upstream plan {@code plan} (see {@link FakeChatUpstream}) and fills
     * {@code progress} as it goes.
     *
     * @param receiveLog if not null, the receive time of delta {@code i} is stored at index {@code i}
     */
    void stream(Target target, String baseUrl, String plan, StreamProgress progress, long @Nullable [] receiveLog) {
        String path;
        String body;
        if (target == Target.RELAY) {
            path = "/responses";
            body = "{\"model\":\"" + plan + "\",\"stream\":true,\"input\":\"Count from zero.\"}";
        } else {
            path = "/chat/completions";
            body = "{\"model\":\"" + plan + "\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Count from zero.\"}]}";
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer bench-key")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        progress.startNanos = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            progress.headersNanos = System.nanoTime();
            progress.status = response.statusCode();
            try (InputStream in = response.body()) {
                read(in, target, progress, receiveLog);
            }
        } catch (IOException e) {
            progress.failure = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.failure = "interrupted";
        } finally {
            progress.endNanos = System.nanoTime();
            progress.done = true;
        }
    }

    private static void read(InputStream in, Target target, StreamProgress progress, long @Nullable [] receiveLog)
            throws IOException {
        byte[] deltaMarker = target == Target.RELAY ? RELAY_DELTA : DIRECT_DELTA;
        byte[] buffer = new byte[64 * 1024];
        byte[] line = new byte[1024];
        int lineLength = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (progress.firstByteNanos == 0) {
                progress.firstByteNanos = System.nanoTime();
            }
            progress.bytes.addAndGet(n);
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b != '\n') {
                    if (lineLength == line.length) {
                        byte[] longer = new byte[line.length * 2];
                        System.arraycopy(line, 0, longer, 0, lineLength);
                        line = longer;
                    }
                    line[lineLength++] = b;
                    continue;
                }
                onLine(line, lineLength, target, deltaMarker, progress, receiveLog);
                lineLength = 0;
            }
        }
    }

    private static void onLine(
            byte[] line,
            int length,
            Target target,
            byte[] deltaMarker,
            StreamProgress progress,
            long @Nullable [] receiveLog) {
        if (length < 6 || line[0] != 'd') {
            return; // event: lines, comments (keep-alives) and blank lines
        }
        int at = indexOf(line, length, deltaMarker);
        if (at >= 0) {
            long now = System.nanoTime();
            if (progress.firstDeltaNanos == 0) {
                progress.firstDeltaNanos = now;
            }
            progress.deltas.incrementAndGet();
            if (receiveLog != null) {
                int index = parseIndex(line, at + deltaMarker.length, length);
                if (index >= 0 && index < receiveLog.length) {
                    receiveLog[index] = now;
                }
            }
            return;
        }
        if (target == Target.DIRECT ? startsWith(line, length, DONE) : startsWith(line, length, RELAY_TERMINAL)) {
            String text = new String(line, 0, Math.min(length, 64), StandardCharsets.UTF_8);
            if (target == Target.DIRECT) {
                progress.terminal = "[DONE]";
            } else if (text.contains("response.completed")) {
                progress.terminal = "response.completed";
            } else if (text.contains("response.failed")) {
                progress.terminal = "response.failed";
            } else if (text.contains("response.incomplete")) {
                progress.terminal = "response.incomplete";
            }
        }
    }

    private static int parseIndex(byte[] line, int from, int length) {
        int value = 0;
        int i = from;
        while (i < length && line[i] >= '0' && line[i] <= '9') {
            value = value * 10 + (line[i] - '0');
            i++;
        }
        return i == from ? -1 : value;
    }

    private static boolean startsWith(byte[] line, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] line, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What one stream has done so far; written by the thread reading it, read by others while it
     * runs (hence volatile). Times are {@link System#nanoTime()}, 0 until they happen.
     */
    static final class StreamProgress {
        volatile long startNanos;
        volatile long headersNanos;
        volatile long firstByteNanos;
        volatile long firstDeltaNanos;
        volatile long endNanos;
        volatile int status;
        final AtomicLong deltas = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile String terminal = "";
        volatile @Nullable String failure;
        volatile boolean done;

        /** Whether the stream ended with its terminal event and no transport failure. */
        boolean succeeded() {
            return done && failure == null && (terminal.equals("response.completed") || terminal.equals("[DONE]"));
        }
    }
}
