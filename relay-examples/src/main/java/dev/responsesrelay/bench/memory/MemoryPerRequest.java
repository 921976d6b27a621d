package dev.responsesrelay.bench.memory;

import dev.responsesrelay.server.RelayServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * What one request costs the relay in heap, per byte of its body, along each request path: {@code
 * java -jar benchmarks.jar memory [--sizes N,N] [--paths http,websocket,chat]}.
 *
 * <p>The real server ({@link RelayServer#start}, as {@code relay-server.jar} starts it) runs in this
 * JVM between a {@link LoopbackClient} and a {@link LoopbackUpstream}, both on plain sockets that
 * keep no copy of what passes. For each request it reports:
 *
 * <ul>
 *   <li><b>allocated</b>: heap allocated by every thread of the JVM during the exchange ({@code
 *       com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}), minus what the client, the
 *       upstream and this measuring thread allocated (their own {@code getThreadAllocatedBytes}): the
 *       relay's threads, Jetty's and OkHttp's included;
 *   <li><b>held in flight</b>: heap in use after two {@code System.gc()} calls at the moment the
 *       upstream has the whole request body and has not answered, minus the same figure before the
 *       request: everything the relay keeps for a request while the upstream works on it;
 *   <li><b>held after</b>: the same once the answer is sent and the request's memory-budget charge
 *       is given back (for a WebSocket, with the connection still open).
 * </ul>
 *
 * Each figure is divided by the body's size. A first request of 1 MB per path warms the code up
 * (class loading and JIT allocations are not the request's). Sizes, not times: a busy machine does
 * not change them.
 */
public final class MemoryPerRequest {
    private static final String USAGE = """
            Usage: java -jar benchmarks.jar memory [--sizes N,N,...] [--paths PATH,...] [--store S]
                   java -jar benchmarks.jar memory bursts [options]   (memory bursts --help)
                   java -jar benchmarks.jar memory runaway [options]  (memory runaway --help)
              --sizes  request body sizes in bytes (default 30000000,2000000)
              --paths  any of http (POST /v1/responses to a Chat upstream), websocket
                       (response.create on /v1/responses), chat (POST /v1/chat/completions to
                       a Responses upstream); default: all three
              --store  the relay's --store (default: SQLite, the relay's default kind, in a
                       temporary directory); off shows what the store's record of a request costs
            Run it with a heap that holds several bodies, e.g. java -Xmx1g -jar benchmarks.jar memory
            """;

    private static final int WARM_UP_BYTES = 1_000_000;
    private static final long WAIT_SECONDS = 120;

    /** A request path through the relay. */
    public enum Route {
        /** {@code POST /v1/responses} in front of a Chat Completions upstream. */
        HTTP("http", LoopbackUpstream.Api.CHAT, SyntheticImageRequest.RESPONSES),
        /** A {@code response.create} message on the WebSocket of {@code /v1/responses}. */
        WEBSOCKET("websocket", LoopbackUpstream.Api.CHAT, SyntheticImageRequest.WEBSOCKET_CREATE),
        /** {@code POST /v1/chat/completions} in front of a Responses upstream ({@code server.chat}). */
        CHAT("chat", LoopbackUpstream.Api.RESPONSES, SyntheticImageRequest.CHAT);

        final String label;
        final LoopbackUpstream.Api upstreamApi;
        final SyntheticImageRequest request;

        Route(String label, LoopbackUpstream.Api upstreamApi, SyntheticImageRequest request) {
            this.label = label;
            this.upstreamApi = upstreamApi;
            this.request = request;
        }

        static Route of(String label) {
            for (Route route : values()) {
                if (route.label.equals(label)) {
                    return route;
                }
            }
            throw new IllegalArgumentException("unknown path " + label + "; known: http, websocket, chat");
        }
    }

    /**
     * One request's figures, in bytes.
     *
     * @param bodyBytes the request body (or WebSocket message)
     * @param upstreamBytes the body of the request the upstream received
     * @param allocated heap allocated by the relay's threads during the exchange
     * @param heldInFlight heap the relay held while the upstream had the request
     * @param heldAfter heap the relay still held once the exchange was over
     * @param outcome how the exchange ended, as the client saw it
     */
    public record Measurement(
            Route route,
            long bodyBytes,
            long upstreamBytes,
            long allocated,
            long heldInFlight,
            long heldAfter,
            String outcome) {
        public double allocatedPerByte() {
            return (double) allocated / bodyBytes;
        }

        public double heldInFlightPerByte() {
            return (double) heldInFlight / bodyBytes;
        }

        public double heldAfterPerByte() {
            return (double) heldAfter / bodyBytes;
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Route route;
    private final LoopbackUpstream upstream;
    private final RelayServer relay;
    private final ExecutorService client;
    private final long clientThreadId;

    private MemoryPerRequest(Route route, String store) throws Exception {
        this.route = route;
        this.upstream = new LoopbackUpstream(route.upstreamApi);
        List<String> args = new ArrayList<>(List.of("--port", "0", "--upstream", upstream.baseUrl(), "--store", store));
        if (route.upstreamApi == LoopbackUpstream.Api.RESPONSES) {
            args.addAll(List.of("--upstream-api", "responses"));
        }
        this.relay = RelayServer.start(args.toArray(String[]::new));
        Thread[] thread = new Thread[1];
        this.client = Executors.newSingleThreadExecutor(task -> {
            thread[0] = new Thread(task, "memory-bench-client");
            thread[0].setDaemon(true);
            return thread[0];
        });
        this.clientThreadId =
                client.submit(() -> Thread.currentThread().getId()).get();
    }

    /**
     * Starts a relay for {@code route} with {@code --store store}, warms it up, and measures one
     * request per size.
     */
    public static List<Measurement> measure(Route route, List<Integer> sizes, String store) throws Exception {
        MemoryPerRequest bench = new MemoryPerRequest(route, store);
        try {
            bench.once(WARM_UP_BYTES);
            List<Measurement> measurements = new ArrayList<>();
            for (int size : sizes) {
                measurements.add(bench.once(size));
            }
            return measurements;
        } finally {
            bench.close();
        }
    }

    private Measurement once(int size) throws Exception {
        byte[] body = route.request.body(size);
        LoopbackClient.@Nullable WebSocket socket =
                route == Route.WEBSOCKET ? client.submit(this::openSocket).get() : null;
        try {
            long before = heldAfterCollection();
            long[] benchThreads = {Thread.currentThread().getId(), clientThreadId, upstream.threadId()};
            long benchAllocatedBefore = sum(THREADS.getThreadAllocatedBytes(benchThreads));
            long totalBefore = THREADS.getTotalThreadAllocatedBytes();

            Future<String> answer = client.submit(send(body, socket));
            LoopbackUpstream.Arrival arrival;
            try {
                arrival = upstream.nextArrival(WAIT_SECONDS);
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "; the client saw: " + outcomeIfDone(answer), e);
            }
            long heldInFlight = heldAfterCollection() - before;
            arrival.answer();
            String outcome = answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            // A WebSocket keeps its last response's input for previous_response_id, charged at its
            // message's size until the socket closes (ResponsesWebSocket#remember).
            awaitChargeReturned(socket != null ? body.length : 0);
            // The upstream call lets go of its translation on OkHttp's thread just after the answer
            // is sent; without this pause "after" caught a WebSocket's finished call in one run in
            // three (1.0x or 2.0x its body).
            Thread.sleep(500);
            long heldAfter = heldAfterCollection() - before;

            long total = THREADS.getTotalThreadAllocatedBytes() - totalBefore;
            long bench = sum(THREADS.getThreadAllocatedBytes(benchThreads)) - benchAllocatedBefore;
            return new Measurement(route, size, arrival.bodyBytes, total - bench, heldInFlight, heldAfter, outcome);
        } finally {
            if (socket != null) {
                socket.close();
                // Jetty lets go of the connection's endpoint just after the close handshake; the
                // next baseline must not count this connection's last response.
                Thread.sleep(200);
            }
        }
    }

    private LoopbackClient.WebSocket openSocket() throws IOException {
        return new LoopbackClient.WebSocket(relay.port());
    }

    private Callable<String> send(byte[] body, LoopbackClient.@Nullable WebSocket socket) {
        return () -> {
            if (socket != null) {
                socket.sendText(body);
                return socket.awaitTerminal();
            }
            String path = route == Route.CHAT ? "/v1/chat/completions" : "/v1/responses";
            LoopbackClient.Answer answer = LoopbackClient.post(relay.port(), path, body);
            return answer.status() + " " + answer.text();
        };
    }

    private static String outcomeIfDone(Future<String> answer) {
        if (!answer.isDone()) {
            return "no answer yet";
        }
        try {
            return answer.get();
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Waits until the relay has given back every memory-budget charge but {@code kept}: the exchange
     * is over, including the store's write of the response, which holds the request's items until
     * then (server.http.MemoryBudget.Permit#hold).
     */
    private void awaitChargeReturned(long kept) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (relay.memoryBudget().used() > kept) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "the relay still holds " + relay.memoryBudget().used() + " bytes of its memory budget "
                                + WAIT_SECONDS + " s after the answer");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Heap in use after two full collections: the first may leave objects whose finalisation or
     * reference processing frees more in the second.
     */
    static long heldAfterCollection() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long value : values) {
            sum += Math.max(0, value);
        }
        return sum;
    }

    private void close() throws IOException {
        client.shutdownNow();
        relay.close();
        upstream.close();
    }

    /** The {@code memory} command; returns the exit code. */
    public static int run(String[] args, PrintStream out) throws Exception {
        if (args.length > 0 && args[0].equals("bursts")) {
            return HeapBursts.run(Arrays.copyOfRange(args, 1, args.length), out);
        }
        if (args.length > 0 && args[0].equals("runaway")) {
            return RunawayStreams.run(Arrays.copyOfRange(args, 1, args.length), out);
        }
        List<Integer> sizes = List.of(30_000_000, 2_000_000);
        List<Route> routes = List.of(Route.values());
        @Nullable String store = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                out.print(USAGE);
                return 2;
            }
            String value = args[++i];
            switch (arg) {
                case "--sizes" ->
                    sizes = Arrays.stream(value.split(","))
                            .map(String::strip)
                            .map(Integer::valueOf)
                            .toList();
                case "--paths" ->
                    routes = Arrays.stream(value.split(","))
                            .map(String::strip)
                            .map(Route::of)
                            .toList();
                case "--store" -> store = value;
                default -> {
                    out.print(USAGE);
                    return 2;
                }
            }
        }
        Path dir = Files.createTempDirectory("memory-per-request");
        // By default the relay's default store kind (SQLite), in a directory of the benchmark's
        // own, never the user's ~/.responses-relay.
        String storeSpec = store != null ? store : "sqlite:" + dir.resolve("responses.db");
        out.printf(
                Locale.ROOT,
                "Memory per request: --store %s, JDK %s, -Xmx %d MiB, %d CPUs%n",
                storeSpec,
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        out.printf(
                Locale.ROOT,
                "%-10s %12s %12s %10s %10s %10s  %s%n",
                "path",
                "body B",
                "upstream B",
                "alloc/B",
                "flight/B",
                "after/B",
                "outcome");
        boolean allCompleted = true;
        for (Route route : routes) {
            for (Measurement m : measure(route, sizes, storeSpec)) {
                String outcome = m.outcome().lines().findFirst().orElse("");
                allCompleted &= completed(m);
                out.printf(
                        Locale.ROOT,
                        "%-10s %,12d %,12d %10.2f %10.2f %10.2f  %s%n",
                        route.label,
                        m.bodyBytes(),
                        m.upstreamBytes(),
                        m.allocatedPerByte(),
                        m.heldInFlightPerByte(),
                        m.heldAfterPerByte(),
                        outcome.length() > 60 ? outcome.substring(0, 60) : outcome);
            }
        }
        out.println("alloc/B: bytes allocated by the relay's threads per body byte; flight/B: heap held per"
                + " body byte while the upstream has the request; after/B: once the exchange is over");
        return allCompleted ? 0 : 1;
    }

    /** Whether the client got a complete answer. */
    static boolean completed(Measurement m) {
        String outcome = m.outcome();
        return switch (m.route()) {
            case HTTP -> outcome.startsWith("200 ") && outcome.contains("\"status\":\"completed\"");
            case WEBSOCKET -> outcome.startsWith("response.completed ");
            case CHAT -> outcome.startsWith("200 ") && outcome.contains("\"chat.completion\"");
        };
    }
}
