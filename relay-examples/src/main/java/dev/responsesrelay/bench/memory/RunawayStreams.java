package dev.responsesrelay.bench.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Whether every runaway stream ends with a terminal event when memory runs short: {@code java -jar
 * benchmarks.jar memory runaway [options]}. For each heap, a fresh relay runs as a JVM of its own
 * (as {@link HeapBursts} starts it: {@code -Xmx}, otherwise its defaults) in front of an upstream
 * that streams text chunks with no finish reason, past the relay's default output bound (a local
 * model looping, issue 18). Each round sends N such streams at once and records each one's last
 * event: {@code response.incomplete} (cut at the bound, as intended), {@code response.failed}
 * (ended cleanly for lack of memory), or none at all (the stream stopped without a terminal event:
 * what the issue forbids). The chunks are synthetic, shaped after docs/dialects.md §0.
 */
final class RunawayStreams {
    private static final String USAGE = """
            Usage: java -jar benchmarks.jar memory runaway [--heaps 128m,96m,80m,64m]
                     [--streams N] [--rounds N] [--chars N] [--relay-jar FILE]
              --heaps    the relay's -Xmx, one relay process each (default 128m,96m,80m,64m)
              --streams  concurrent streams per round (default 3)
              --rounds   rounds per heap (default 6)
              --chars    text each upstream stream sends before it gives up (default 3145728:
                         past the default --max-output-chars of 2 Mi chars)
              --relay-jar  the relay to run (default: relay-server.jar beside benchmarks.jar,
                         else this class path's dev.responsesrelay.server.Main)
            """;

    /** One upstream chunk: 1,000 chars of text, no finish reason. */
    private static final byte[] CHUNK = ("data: {\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                    + "loop ".repeat(200) + "\"},\"finish_reason\":null}]}\n\n")
            .getBytes(StandardCharsets.UTF_8);

    private static final String NO_TERMINAL_EVENT = "(none)";

    private RunawayStreams() {}

    /** The {@code memory runaway} command; returns the exit code (1 if a stream had no terminal event). */
    static int run(String[] args, PrintStream out) throws Exception {
        List<String> heaps = List.of("128m", "96m", "80m", "64m");
        int streams = 3;
        int rounds = 6;
        long chars = 3L << 20;
        Path relayJar = HeapBursts.siblingRelayJar();
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
                case "--streams" -> streams = Integer.parseInt(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--chars" -> chars = Long.parseLong(value);
                case "--relay-jar" -> relayJar = Path.of(value);
                default -> {
                    out.print(USAGE);
                    return 2;
                }
            }
        }
        Path dir = Files.createTempDirectory("runaway-streams");
        out.printf(
                Locale.ROOT,
                "Runaway streams: relay %s, %d at once x %d rounds per heap, %d chars each, logs in %s%n",
                relayJar == null ? "from the class path" : relayJar,
                streams,
                rounds,
                chars,
                dir);
        out.printf(Locale.ROOT, "%-6s %11s %9s %14s %8s%n", "heap", "incomplete", "failed", "no terminal", "OOM lines");
        boolean clean = true;
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (RunawayUpstream upstream = RunawayUpstream.start(chars)) {
            for (String heap : heaps) {
                Path log = dir.resolve("relay-" + heap + ".log");
                Process relay = HeapBursts.startRelay(
                        relayJar, heap, upstream.baseUrl(), "sqlite:" + dir.resolve("responses-" + heap + ".db"), log);
                try {
                    int port = HeapBursts.awaitPort(relay, log);
                    TreeMap<String, Integer> lastEvents = new TreeMap<>();
                    for (int round = 0; round < rounds; round++) {
                        List<CompletableFuture<String>> answers = new ArrayList<>();
                        for (int s = 0; s < streams; s++) {
                            answers.add(lastEventOf(client, port));
                        }
                        for (CompletableFuture<String> answer : answers) {
                            lastEvents.merge(answer.get(300, TimeUnit.SECONDS), 1, Integer::sum);
                        }
                    }
                    int incomplete = lastEvents.getOrDefault("response.incomplete", 0);
                    int failed = lastEvents.getOrDefault("response.failed", 0);
                    int without = streams * rounds - incomplete - failed;
                    long outOfMemory = HeapBursts.countOutOfMemory(log);
                    clean &= without == 0;
                    out.printf(
                            Locale.ROOT,
                            "%-6s %11d %9d %14d %8d%s%n",
                            heap,
                            incomplete,
                            failed,
                            without,
                            outOfMemory,
                            without == 0 ? "" : "  last events: " + lastEvents);
                } finally {
                    relay.destroy();
                    if (!relay.waitFor(20, TimeUnit.SECONDS)) {
                        relay.destroyForcibly();
                    }
                }
            }
        }
        return clean ? 0 : 1;
    }

    /** Streams one request and returns the type of the last event it received. */
    private static CompletableFuture<String> lastEventOf(HttpClient client, int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/responses"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"input\":\"go\"}"))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    // Line by line: this JVM keeps nothing of the megabytes of deltas.
                    try (Stream<String> lines = response.body()) {
                        return lines.filter(line -> line.startsWith("event: "))
                                .map(line -> line.substring("event: ".length()).strip())
                                .reduce((first, second) -> second)
                                .orElse(NO_TERMINAL_EVENT);
                    }
                })
                .exceptionally(failure -> NO_TERMINAL_EVENT + " " + failure);
    }

    /**
     * A Chat upstream that answers every request with {@link #CHUNK}s and no finish reason until it
     * has sent {@code chars} of text or the relay hangs up, one thread per connection.
     */
    private static final class RunawayUpstream implements AutoCloseable {
        private final ServerSocket server;
        private final long chars;

        private RunawayUpstream(ServerSocket server, long chars) {
            this.server = server;
            this.chars = chars;
        }

        static RunawayUpstream start(long chars) throws IOException {
            RunawayUpstream upstream =
                    new RunawayUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), chars);
            Thread acceptor = new Thread(upstream::accept, "runaway-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
            return upstream;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread answer = new Thread(() -> answer(socket), "runaway-answer");
                    answer.setDaemon(true);
                    answer.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void answer(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                in.skipNBytes(contentLength(head));
                OutputStream out = socket.getOutputStream();
                if (head.startsWith("GET")) {
                    // The relay lists the upstream's models at start-up (GET /v1/models).
                    byte[] models = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}"
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + models.length
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(models);
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                for (long sent = 0; sent < chars; sent += 1000) {
                    out.write(CHUNK);
                }
                out.flush();
            } catch (IOException relayHungUp) {
                // The relay stops reading once the answer is terminal: expected.
            }
        }

        /** Reads the request line and headers, up to the blank line. */
        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }

        /** The head's Content-Length, 0 without one. */
        private static long contentLength(String head) {
            for (String line : (Iterable<String>) head.lines()::iterator) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).strip());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
