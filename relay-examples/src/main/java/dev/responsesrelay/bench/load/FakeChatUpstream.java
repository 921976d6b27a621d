package dev.responsesrelay.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.responsesrelay.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A Chat Completions upstream on loopback, built on the JDK's HTTP server, whose behaviour is chosen
 * by the {@code model} of each request (the relay passes it through unchanged):
 *
 * <ul>
 *   <li>{@code fast:N}: N text chunks, written as fast as the connection takes them;
 *   <li>{@code paced:N:MICROS}: N text chunks, one every MICROS µs, each flushed on its own and the
 *       time its write starts recorded in the {@link #sendLog} (for latency);
 *   <li>{@code slow:MILLIS:N}: the status line only after MILLIS ms (a model thinking before the
 *       first token), then N chunks;
 *   <li>{@code drip:N:MILLIS}: the status line at once, then one chunk every MILLIS ms.
 * </ul>
 *
 * <p>Every stream has the shape of OpenAI's (openai-stream-basic-gomodel.sse in
 * fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects): a role chunk, content
 * chunks whose text is {@code t<i> } (the client
 * reads {@code i} back for latency), a {@code finish_reason: stop} chunk, a usage chunk and {@code
 * [DONE]}. {@code GET /v1/models} lists no model (see {@link #MODELS}).
 */
final class FakeChatUpstream implements AutoCloseable {
    private static final String ENVELOPE_START = "data: {\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,";
    private static final byte[] ROLE_CHUNK = (ENVELOPE_START
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
                    + "\"finish_reason\":null}],\"obfuscation\":\"iPgRzm\"}\n\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = (ENVELOPE_START
                    + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"obfuscation\":\"pH\"}\n\n"
                    + "data: {\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":"
                    + "{\"prompt_tokens\":12,\"completion_tokens\":1000,\"total_tokens\":1012}}\n\n"
                    + "data: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);
    /**
     * No models listed: a request's model name carries its plan ({@code fast:300}), and a relay that
     * cannot know an upstream's models forwards every name as asked (ServedModels); a listed name
     * would make the relay refuse every plan with 404 model_not_found.
     */
    private static final byte[] MODELS = "{\"object\":\"list\",\"data\":[]}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<Integer, byte[]> fastBodies = new ConcurrentHashMap<>();

    /** Send times ({@link System#nanoTime()}) of the chunks of the latest paced stream, by index. */
    private volatile long @Nullable [] sendLog;

    private FakeChatUpstream(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free loopback port. Streams are served by a thread each, as many as needed. */
    static FakeChatUpstream start() throws IOException {
        // The JDK server leaves Nagle's algorithm on unless told otherwise; then a small write after
        // the headers waits for the client's delayed ACK (about 40 ms on Linux), which real
        // upstreams (uvicorn, Go's net/http, Node) do not do. Read once, when the server class loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bench-upstream-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        FakeChatUpstream upstream = new FakeChatUpstream(server, executor);
        server.setExecutor(executor);
        server.createContext("/v1/models", exchange -> {
            try (exchange) {
                respond(exchange, 200, "application/json", MODELS);
            }
        });
        server.createContext("/v1/chat/completions", upstream::chatCompletions);
        server.start();
        return upstream;
    }

    /** The base URL to give the relay as {@code --upstream}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Prepares a log for the send times of the next paced stream of {@code chunks} chunks. */
    long[] newSendLog(int chunks) {
        long[] log = new long[chunks];
        sendLog = log;
        return log;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void chatCompletions(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request;
            try (InputStream in = exchange.getRequestBody()) {
                request = Json.MAPPER.readTree(in);
            }
            String[] plan = request.path("model").asText("").split(":", -1);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            switch (plan[0]) {
                case "fast" -> {
                    int chunks = Integer.parseInt(plan[1]);
                    byte[] body = fastBodies.computeIfAbsent(chunks, FakeChatUpstream::fastBody);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                case "paced" -> paced(exchange, Integer.parseInt(plan[1]), Long.parseLong(plan[2]), sendLog);
                case "slow" -> {
                    sleep(Long.parseLong(plan[1]));
                    int chunks = Integer.parseInt(plan[2]);
                    byte[] body = fastBodies.computeIfAbsent(chunks, FakeChatUpstream::fastBody);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                case "drip" -> paced(exchange, Integer.parseInt(plan[1]), Long.parseLong(plan[2]) * 1000, null);
                default -> respond(exchange, 400, "text/plain", "unknown plan".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            // The relay hung up (a cancelled stream) or the plan was malformed: nothing to report
            // upstream-side; the client-side counts show it.
        }
    }

    /** One chunk at a time, each flushed at its own tick. */
    private static void paced(HttpExchange exchange, int chunks, long intervalMicros, long @Nullable [] log)
            throws IOException {
        exchange.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(ROLE_CHUNK);
            out.flush();
            long start = System.nanoTime();
            for (int i = 0; i < chunks; i++) {
                long due = start + TimeUnit.MICROSECONDS.toNanos(intervalMicros * (i + 1));
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] chunk = textChunk(i);
                // Stamped before the write: the reader can wake and stamp its receive time before
                // this thread returns from flush(), which would make a latency negative.
                if (log != null && i < log.length) {
                    log[i] = System.nanoTime();
                }
                out.write(chunk);
                out.flush();
            }
            out.write(END);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] fastBody(int chunks) {
        int size = ROLE_CHUNK.length + END.length + chunks * textChunk(chunks).length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(ROLE_CHUNK);
        for (int i = 0; i < chunks; i++) {
            out.writeBytes(textChunk(i));
        }
        out.writeBytes(END);
        return out.toByteArray();
    }

    /** A content chunk with the text {@code t<i> }: about one token, as real streams send. */
    static byte[] textChunk(int i) {
        return (ENVELOPE_START + "\"delta\":{\"content\":\"t" + i + " \"},\"logprobs\":null,"
                        + "\"finish_reason\":null}],\"obfuscation\":\"ZGF\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
