package dev.responsesrelay.bench.memory;

import dev.responsesrelay.server.Main;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How many concurrent image requests a given heap serves: {@code java -jar benchmarks.jar memory
 * bursts [options]}. For each heap and burst, a fresh relay runs as a JVM of its own ({@code relay-server.jar}
 * beside {@code benchmarks.jar}, as a user starts it, with {@code -Xmx} and otherwise its defaults:
 * the memory budget at half the heap, the SQLite store) in front of a {@link LoopbackUpstream}
 * that answers each request a few seconds after its body arrived, as a model takes a while to look
 * at an image. Each burst sends N synthetic {@code POST /v1/responses} of one size at once
 * ({@link SyntheticImageRequest}) and counts what came back: completed, 503 with {@code
 * Retry-After} ({@code server_overloaded}), anything else; then whether the relay's output holds an
 * {@code OutOfMemoryError} and whether {@code /healthz} still answers. The README's heap advice
 * ("Operations: memory") comes from these counts.
 */
final class HeapBursts {
    private static final String USAGE = """
            Usage: java -jar benchmarks.jar memory bursts [--heaps 128m,256m,1g]
                     [--bursts 16x2000000,8x5000000,...] [--upstream-delay-ms N] [--store S]
                     [--relay-jar FILE]
              --heaps    the relay's -Xmx, one relay process each (default 128m,256m,1g)
              --bursts   COUNTxBYTES: COUNT concurrent requests of BYTES each, in order (default
                         16x2000000,8x5000000,16x5000000,1x30000000,2x30000000,8x30000000);
                         wsCOUNTxBYTES: COUNT WebSocket connections, each sending one
                         response.create in turn, all kept open until the last is answered
              --upstream-delay-ms  how long the upstream takes to answer once a body has arrived
                         (default 3000: longer than the relay's 2 s admission wait, so a burst shows
                         what fits at once)
              --store    the relay's --store (default: SQLite, its default kind, in a temporary
                         directory; off shows the relay without the store's records)
              --relay-jar  the relay to run (default: relay-server.jar beside benchmarks.jar,
                         else this class path's dev.responsesrelay.server.Main)
            """;

    private static final Pattern LISTENING = Pattern.compile("relay listening on http://[^:]+:(\\d+)/v1");

    private HeapBursts() {}

    /**
     * One burst's request count and body size; {@code webSockets}: instead of concurrent POSTs,
     * that many WebSocket connections each send one {@code response.create} in turn and stay open
     * until the last has its answer (a connection keeps its last response's input, see
     * docs/BENCHMARKS.md "Memory per request").
     */
    record Burst(int count, int bytes, boolean webSockets) {
        static Burst parse(String spec) {
            String lower = spec.strip().toLowerCase(Locale.ROOT);
            boolean webSockets = lower.startsWith("ws");
            String[] parts = (webSockets ? lower.substring(2) : lower).split("x", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a burst is [ws]COUNTxBYTES, not " + spec);
            }
            return new Burst(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), webSockets);
        }

        String label() {
            return (webSockets ? "ws " : "") + count + " x " + bytes / 1_000_000 + " MB";
        }
    }

    /** What one burst got back. */
    record Outcome(int completed, int refused, List<String> other) {}

    /** The {@code memory bursts} command; returns the exit code. */
    static int run(String[] args, PrintStream out) throws Exception {
        List<String> heaps = List.of("128m", "256m", "1g");
        List<Burst> bursts = Arrays.stream(
                        "16x2000000,8x5000000,16x5000000,1x30000000,2x30000000,8x30000000".split(","))
                .map(Burst::parse)
                .toList();
        Duration delay = Duration.ofSeconds(3);
        Path relayJar = siblingRelayJar();
        @Nullable String store = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h") || i + 1 >= args.length) {
                out.print(USAGE);
                return arg.startsWith("-h") || arg.equals("--help") ? 0 : 2;
            }
            String value = args[++i];
            switch (arg) {
                case "--heaps" ->
                    heaps = Arrays.stream(value.split(",")).map(String::strip).toList();
                case "--bursts" ->
                    bursts = Arrays.stream(value.split(",")).map(Burst::parse).toList();
                case "--upstream-delay-ms" -> delay = Duration.ofMillis(Long.parseLong(value));
                case "--relay-jar" -> relayJar = Path.of(value);
                case "--store" -> store = value;
                default -> {
                    out.print(USAGE);
                    return 2;
                }
            }
        }
        Path dir = Files.createTempDirectory("heap-bursts");
        out.printf(
                Locale.ROOT,
                "Heap bursts: relay %s, --store %s, upstream answers %d ms after a body, %d CPUs, logs in %s%n",
                relayJar == null ? "from the class path" : relayJar,
                store == null ? "sqlite (temporary)" : store,
                delay.toMillis(),
                Runtime.getRuntime().availableProcessors(),
                dir);
        out.printf(
                Locale.ROOT,
                "%-6s %-14s %9s %5s %6s %5s %8s%n",
                "heap",
                "burst",
                "completed",
                "503",
                "other",
                "OOM",
                "healthz");
        boolean clean = true;
        try (LoopbackUpstream upstream = LoopbackUpstream.answeringAfter(LoopbackUpstream.Api.CHAT, delay)) {
            for (String heap : heaps) {
                int run = 0;
                for (Burst burst : bursts) {
                    // A relay of its own per burst: the store writes the previous burst's answers
                    // after they are sent, and each keeps its request's charge until written
                    // (MemoryBudget.Permit#hold), so a burst right after another measures the
                    // store's backlog as much as the heap.
                    run++;
                    Path log = dir.resolve("relay-" + heap + "-" + run + ".log");
                    String storeSpec =
                            store != null ? store : "sqlite:" + dir.resolve("responses-" + heap + "-" + run + ".db");
                    Process relay = startRelay(relayJar, heap, upstream.baseUrl(), storeSpec, log);
                    try {
                        int port = awaitPort(relay, log);
                        Outcome outcome = burst(port, burst);
                        Thread.sleep(1000); // the store's writes of the answers, and their charges
                        long oom = countOutOfMemory(log);
                        int health = health(port);
                        clean &= outcome.other().isEmpty() && oom == 0 && health == 200;
                        out.printf(
                                Locale.ROOT,
                                "%-6s %-14s %9d %5d %6d %5d %8d%n",
                                heap,
                                burst.label(),
                                outcome.completed(),
                                outcome.refused(),
                                outcome.other().size(),
                                oom,
                                health);
                        for (String other :
                                outcome.other().stream().distinct().limit(3).toList()) {
                            out.println("         other: " + other);
                        }
                    } finally {
                        relay.destroy();
                        if (!relay.waitFor(20, TimeUnit.SECONDS)) {
                            relay.destroyForcibly();
                        }
                    }
                }
            }
        }
        out.println("completed: 200 with a completed response; 503: server_overloaded with Retry-After;"
                + " other: anything else; OOM: lines of the relay's output naming an OutOfMemoryError"
                + " (or Java heap space)");
        return clean ? 0 : 1;
    }

    /** {@code relay-server.jar} next to the jar this class runs from, if there is one. */
    static @Nullable Path siblingRelayJar() {
        try {
            Path self = Path.of(HeapBursts.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path sibling = self.resolveSibling("relay-server.jar");
            return Files.isRegularFile(self) && Files.isRegularFile(sibling) ? sibling : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static Process startRelay(@Nullable Path relayJar, String heap, String upstreamUrl, String store, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        if (relayJar != null) {
            command.addAll(List.of("-jar", relayJar.toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        // By default the store in this run's directory, never the user's ~/.responses-relay;
        // SQLite is the default kind.
        command.addAll(List.of("--port", "0", "--upstream", upstreamUrl, "--store", store));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    static int awaitPort(Process relay, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && relay.isAlive()) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new IOException("the relay did not start; see " + log);
    }

    /** Sends {@code burst.count()} requests at once and sorts their answers. */
    static Outcome burst(int port, Burst burst) throws Exception {
        if (burst.webSockets()) {
            return webSockets(port, burst);
        }
        byte[] body = SyntheticImageRequest.RESPONSES.body(burst.bytes());
        ExecutorService clients = Executors.newFixedThreadPool(burst.count());
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < burst.count(); i++) {
                answers.add(clients.submit(() -> {
                    try {
                        LoopbackClient.Answer answer = LoopbackClient.post(port, "/v1/responses", body);
                        return classify(answer);
                    } catch (IOException e) {
                        return "other: " + e;
                    }
                }));
            }
            int completed = 0;
            int refused = 0;
            List<String> other = new ArrayList<>();
            for (Future<String> answer : answers) {
                String kind = answer.get(10, TimeUnit.MINUTES);
                if (kind.equals("completed")) {
                    completed++;
                } else if (kind.equals("refused")) {
                    refused++;
                } else {
                    other.add(kind);
                }
            }
            return new Outcome(completed, refused, other);
        } finally {
            clients.shutdownNow();
        }
    }

    private static Outcome webSockets(int port, Burst burst) {
        byte[] message = SyntheticImageRequest.WEBSOCKET_CREATE.body(burst.bytes());
        List<LoopbackClient.WebSocket> open = new ArrayList<>();
        int completed = 0;
        int refused = 0;
        List<String> other = new ArrayList<>();
        try {
            for (int i = 0; i < burst.count(); i++) {
                try {
                    LoopbackClient.WebSocket socket = new LoopbackClient.WebSocket(port);
                    open.add(socket);
                    socket.sendText(message);
                    String terminal = socket.awaitTerminal();
                    if (terminal.startsWith("response.completed ")) {
                        completed++;
                    } else if (terminal.startsWith("error ") && terminal.contains("server_overloaded")) {
                        refused++;
                    } else {
                        other.add(terminal.length() > 200 ? terminal.substring(0, 200) : terminal);
                    }
                } catch (IOException e) {
                    other.add("other: " + e);
                }
            }
        } finally {
            for (LoopbackClient.WebSocket socket : open) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already closed by the relay: nothing held
                }
            }
        }
        return new Outcome(completed, refused, other);
    }

    private static String classify(LoopbackClient.Answer answer) {
        String text = answer.text();
        if (answer.status() == 200 && text.contains("\"status\":\"completed\"")) {
            return "completed";
        }
        if (answer.status() == 503
                && text.toLowerCase(Locale.ROOT).contains("\r\nretry-after: ")
                && text.contains("\"code\":\"server_overloaded\"")) {
            return "refused";
        }
        String firstLine = text.lines().findFirst().orElse("");
        int bodyAt = text.indexOf("\r\n\r\n");
        String start = bodyAt < 0 ? "" : text.substring(bodyAt + 4, Math.min(text.length(), bodyAt + 204));
        return "other: " + firstLine + " " + start;
    }

    static long countOutOfMemory(Path log) throws IOException {
        try (var lines = Files.lines(log)) {
            // Jetty ends a WebSocket whose handler ran out of heap with close code 1011 and the
            // error's message as the reason, which the access log shows without the class name.
            return lines.filter(line -> line.contains("OutOfMemoryError") || line.contains("Java heap space"))
                    .count();
        }
    }

    private static int health(int port) {
        try {
            return LoopbackClient.get(port, "/healthz").status();
        } catch (IOException e) {
            return -1;
        }
    }
}
