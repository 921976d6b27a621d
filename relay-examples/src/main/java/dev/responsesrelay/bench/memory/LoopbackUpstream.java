package dev.responsesrelay.bench.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The upstream of the memory measurement: a plain HTTP/1.1 server on one thread of its own, which
 * reads a request body into one small reused buffer and drops it (so the measuring JVM holds no copy
 * of what the relay sent), tells the measurement the whole body has arrived, waits until it may
 * answer, then answers with a short synthetic reply and closes the connection (so the relay's
 * client never reuses it and this one thread serves every request in turn). Its own allocation is
 * counted apart ({@link #threadId()}). For {@link HeapBursts} it serves every connection on a thread
 * of its own instead and answers after a fixed delay ({@link #answeringAfter}). The replies follow docs/dialects.md §0 (Chat Completions) and
 * the response object of https://platform.openai.com/docs/api-reference/responses/object (Responses); they are synthetic.
 */
final class LoopbackUpstream implements AutoCloseable {
    /** Which API the upstream speaks. */
    enum Api {
        CHAT,
        RESPONSES
    }

    private static final String CHUNK = "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,";
    private static final byte[] CHAT_STREAM = ("data: " + CHUNK
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                    + "data: " + CHUNK + "\"delta\":{\"content\":\"I see an image.\"},\"finish_reason\":null}]}\n\n"
                    + "data: " + CHUNK + "\"delta\":{},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":4,\"total_tokens\":5}}\n\n"
                    + "data: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHAT_COMPLETION = ("{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\","
                    + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"I see an image.\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":4,\"total_tokens\":5}}")
            .getBytes(StandardCharsets.UTF_8);
    private static final String RESPONSE_OBJECT = "{\"id\":\"resp_synthetic\",\"object\":\"response\","
            + "\"created_at\":1,\"status\":\"completed\",\"model\":\"m\",\"output\":[{\"type\":\"message\","
            + "\"id\":\"msg_synthetic\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
            + "\"output_text\",\"text\":\"I see an image.\",\"annotations\":[]}]}],"
            + "\"usage\":{\"input_tokens\":1,\"output_tokens\":4,\"total_tokens\":5}}";
    private static final byte[] RESPONSES_STREAM = ("event: response.created\ndata: {\"type\":\"response.created\","
                    + "\"sequence_number\":0,\"response\":"
                    + RESPONSE_OBJECT
                            .replace("\"completed\",\"model\"", "\"in_progress\",\"model\"")
                            .replaceFirst("\"output\":\\[.*\\],\"usage\".*", "\"output\":[]}")
                    + "}\n\n"
                    + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":1,"
                    + "\"response\":" + RESPONSE_OBJECT + "}\n\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] MODELS =
            "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\",\"created\":1,\"owned_by\":\"synthetic\"}]}"
                    .getBytes(StandardCharsets.UTF_8);

    /** One POST as the upstream saw it: released by the measurement once it has looked at the heap. */
    static final class Arrival {
        final long bodyBytes;
        private final CountDownLatch mayAnswer = new CountDownLatch(1);

        Arrival(long bodyBytes) {
            this.bodyBytes = bodyBytes;
        }

        /** Lets the upstream answer. */
        void answer() {
            mayAnswer.countDown();
        }
    }

    private final Api api;
    private final ServerSocket server;
    private final Thread thread;
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final byte[] buffer = new byte[64 * 1024];
    /** Null: one connection at a time, each answered when the measurement says so. */
    private final @Nullable Duration answerAfter;

    private volatile @Nullable Throwable failure;

    /** An upstream for the measurement: one request at a time, answered on {@link Arrival#answer}. */
    LoopbackUpstream(Api api) throws IOException {
        this(api, null);
    }

    private LoopbackUpstream(Api api, @Nullable Duration answerAfter) throws IOException {
        this.api = api;
        this.answerAfter = answerAfter;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "memory-bench-upstream");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * An upstream for bursts: every connection on a thread of its own, each request answered {@code
     * answerAfter} after its body has arrived, as a model takes a while to look at an image.
     */
    static LoopbackUpstream answeringAfter(Api api, Duration answerAfter) throws IOException {
        return new LoopbackUpstream(api, answerAfter);
    }

    /** The base URL the relay is given: {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    /** The id of the one thread this upstream runs on, whose allocation is not the relay's. */
    long threadId() {
        return thread.getId();
    }

    /** The next POST whose whole body has arrived; the upstream waits for {@link Arrival#answer}. */
    Arrival nextArrival(long timeoutSeconds) throws InterruptedException, IOException {
        Arrival arrival = arrivals.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (arrival == null) {
            Throwable failed = failure;
            throw new IOException("no request reached the upstream within " + timeoutSeconds + " s"
                    + (failed == null ? "" : " (upstream failed: " + failed + ")"));
        }
        return arrival;
    }

    private void serve() {
        while (!server.isClosed()) {
            Socket accepted;
            try {
                accepted = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failure = e;
                }
                continue;
            }
            if (answerAfter == null) {
                handle(accepted, buffer);
            } else {
                Thread connection = new Thread(() -> handle(accepted, new byte[16 * 1024]), "burst-upstream");
                connection.setDaemon(true);
                connection.start();
            }
        }
    }

    private void handle(Socket accepted, byte[] buffer) {
        try (Socket socket = accepted) {
            exchange(socket.getInputStream(), socket.getOutputStream(), buffer);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (!server.isClosed() && answerAfter == null) {
                failure = e;
            }
        }
    }

    private void exchange(InputStream in, OutputStream out, byte[] buffer) throws IOException, InterruptedException {
        String head = readHead(in);
        String requestLine = head.lines().findFirst().orElse("");
        if (requestLine.startsWith("GET ") && requestLine.contains("/models")) {
            respond(out, "application/json", MODELS);
            return;
        }
        String lowerHead = head.toLowerCase(Locale.ROOT);
        long length = headerValue(lowerHead, "content-length");
        if (length < 0) {
            throw new IOException("the relay sent a body without Content-Length: " + requestLine);
        }
        StreamFlag stream = new StreamFlag();
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the request body ended " + left + " bytes early");
            }
            stream.scan(buffer, n);
            left -= n;
        }
        Duration delay = answerAfter;
        if (delay != null) {
            Thread.sleep(delay.toMillis());
        } else {
            Arrival arrival = new Arrival(length);
            arrivals.add(arrival);
            if (!arrival.mayAnswer.await(5, TimeUnit.MINUTES)) {
                throw new IOException("the measurement never let the upstream answer");
            }
        }
        boolean sse = api == Api.CHAT ? lowerHead.contains("accept: text/event-stream") : stream.found();
        if (api == Api.CHAT) {
            respond(out, sse ? "text/event-stream" : "application/json", sse ? CHAT_STREAM : CHAT_COMPLETION);
        } else {
            respond(
                    out,
                    sse ? "text/event-stream" : "application/json",
                    sse ? RESPONSES_STREAM : RESPONSE_OBJECT.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respond(OutputStream out, String contentType, byte[] body) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** The request line and headers, up to the blank line; the body stays unread. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended in the request head");
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
            if (head.length() > 64 * 1024) {
                throw new IOException("request head over 64 KiB");
            }
        }
        return head.toString();
    }

    private static long headerValue(String lowerHead, String name) {
        for (String line : (Iterable<String>) lowerHead.lines()::iterator) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).strip());
            }
        }
        return -1;
    }

    /**
     * Whether the body asked for a stream ({@code "stream":true}, as Jackson writes it without spaces),
     * found while the body streams past: the body itself is never kept.
     */
    private static final class StreamFlag {
        private static final byte[] PATTERN = "\"stream\":true".getBytes(StandardCharsets.US_ASCII);
        /** Knuth-Morris-Pratt: after a mismatch at {@code i}, how much of the pattern still matches. */
        private static final int[] FALLBACK = fallback();

        private int matched;
        private boolean found;

        void scan(byte[] bytes, int length) {
            for (int i = 0; i < length && !found; i++) {
                while (matched > 0 && bytes[i] != PATTERN[matched]) {
                    matched = FALLBACK[matched];
                }
                if (bytes[i] == PATTERN[matched]) {
                    matched++;
                }
                found = matched == PATTERN.length;
            }
        }

        private static int[] fallback() {
            int[] fallback = new int[PATTERN.length + 1];
            int k = 0;
            for (int i = 1; i < PATTERN.length; i++) {
                while (k > 0 && PATTERN[i] != PATTERN[k]) {
                    k = fallback[k];
                }
                if (PATTERN[i] == PATTERN[k]) {
                    k++;
                }
                fallback[i + 1] = k;
            }
            return fallback;
        }

        boolean found() {
            return found;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}
