package dev.responsesrelay.bench.load;

import dev.responsesrelay.bench.load.SseClient.StreamProgress;
import dev.responsesrelay.bench.load.SseClient.Target;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay on loopback, end to end: {@code java -jar benchmarks.jar load [options]}.
 *
 * <p>A {@link FakeChatUpstream} and the {@link SseClient}s run in this JVM; the relay server runs
 * in a child JVM ({@link RelayProcess}), started exactly as {@code RelayServer.start("--port", "0",
 * "--upstream", url)}, so its heap and threads are its own. Everything shares the machine's CPUs,
 * as a relay on a developer's laptop shares them with the model client. Phases:
 *
 * <ol>
 *   <li><b>throughput</b>: text chunks translated per second end to end, with 1 and 4 concurrent
 *       streams of {@code --chunks} chunks, and the same streams read from the upstream directly;
 *       plus the relay process's CPU time per chunk;
 *   <li><b>latency</b>: one chunk per millisecond; for each chunk, the time from the upstream starting to
 *       write it to the client reading its delta, through the relay and directly;
 *   <li><b>ttfb</b>: time to the first byte and to the first text delta of short answers;
 *   <li><b>slow</b>: the first byte when the upstream takes 5 s to answer at all;
 *   <li><b>concurrent</b>: {@code --streams} slow streams at once (a chunk every 500 ms): the relay's
 *       heap after a full collection and its threads, and how many streams were served.
 * </ol>
 */
public final class LoadBenchmark {
    private static final String USAGE = """
            Usage: java -jar benchmarks.jar load [--chunks N] [--streams N] [--requests N]
                                                 [--phases p,p,...] [--relay-jvm "ARGS"] [--log FILE]
              --chunks   chunks per stream in the throughput phase (default 100000)
              --requests sequential short answers per side in the ttfb phase (default 200); the
                         relay's per-request code is still being compiled for the first thousands
              --streams  concurrent slow streams in the concurrent phase (default 1000)
              --phases   any of throughput,latency,ttfb,slow,concurrent (default: all)
              --relay-jvm  JVM options of the relay process, space-separated (default: none)
              --log      where the relay process logs (default: a temporary file)
            """;

    private final PrintStream out;
    private final FakeChatUpstream upstream;
    private final RelayProcess relay;
    private final SseClient client = new SseClient();
    private final ExecutorService streams;

    private LoadBenchmark(PrintStream out, FakeChatUpstream upstream, RelayProcess relay) {
        this.out = out;
        this.upstream = upstream;
        this.relay = relay;
        AtomicInteger threadNumber = new AtomicInteger();
        this.streams = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bench-client-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the phases the arguments name; returns the exit code. */
    public static int run(String[] args, PrintStream out) throws Exception {
        int chunks = 100_000;
        int concurrentStreams = 1000;
        int ttfbRequests = 200;
        List<String> phases = List.of("throughput", "latency", "ttfb", "slow", "concurrent");
        List<String> relayJvm = List.of();
        Path log = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--chunks" -> chunks = Integer.parseInt(value);
                case "--streams" -> concurrentStreams = Integer.parseInt(value);
                case "--requests" -> ttfbRequests = Integer.parseInt(value);
                case "--phases" -> phases = List.of(value.split(",", -1));
                case "--relay-jvm" ->
                    relayJvm =
                            value.isBlank() ? List.of() : List.of(value.trim().split(" +", -1));
                case "--log" -> log = Path.of(value);
                default -> {
                    out.print(USAGE);
                    return 2;
                }
            }
        }
        if (log == null) {
            log = Files.createTempFile("relay-load-", ".log");
        }
        out.printf(Locale.ROOT, "Relay load benchmark on loopback; relay process log: %s%n", log);
        out.println(Machine.describe());
        try (FakeChatUpstream upstream = FakeChatUpstream.start();
                RelayProcess relay = RelayProcess.start(upstream.baseUrl(), relayJvm, log)) {
            LoadBenchmark bench = new LoadBenchmark(out, upstream, relay);
            try {
                bench.warmUp();
                if (phases.contains("throughput")) {
                    bench.throughput(chunks, 1);
                    bench.throughput(chunks, 4);
                }
                if (phases.contains("latency")) {
                    bench.latency(3000, 1000);
                }
                if (phases.contains("ttfb")) {
                    bench.timeToFirstByte(ttfbRequests);
                }
                if (phases.contains("slow")) {
                    bench.slowUpstream(5000);
                }
                if (phases.contains("concurrent")) {
                    bench.concurrentSlowStreams(concurrentStreams, 20, 500);
                }
            } finally {
                bench.streams.shutdownNow();
            }
        }
        out.println(Machine.loadAverage("load average at the end"));
        return 0;
    }

    /** Brings the relay's and the client's hot paths to compiled code before anything is timed. */
    private void warmUp() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        int rounds = 0;
        while (System.nanoTime() < end || rounds < 4) {
            StreamProgress p = new StreamProgress();
            client.stream(Target.RELAY, relay.baseUrl(), "fast:20000", p, null);
            requireSuccess(p, "warm-up");
            client.stream(Target.DIRECT, upstream.baseUrl(), "fast:20000", new StreamProgress(), null);
            rounds++;
        }
        out.printf(Locale.ROOT, "warm-up: %d streams of 20,000 chunks through the relay%n", rounds);
    }

    private void throughput(int chunks, int concurrency) throws Exception {
        out.printf(Locale.ROOT, "%n== throughput: %d stream(s) of %,d text chunks at once%n", concurrency, chunks);
        for (Target target : Target.values()) {
            long cpuBefore = target == Target.RELAY ? relay.cpuNanos() : 0;
            List<StreamProgress> progress = runConcurrently(target, "fast:" + chunks, concurrency);
            long cpu = target == Target.RELAY ? relay.cpuNanos() - cpuBefore : 0;
            long start = progress.stream().mapToLong(p -> p.startNanos).min().orElseThrow();
            long end = progress.stream().mapToLong(p -> p.endNanos).max().orElseThrow();
            long deltas = progress.stream().mapToLong(p -> p.deltas.get()).sum();
            long failed = progress.stream()
                    .filter(p -> !p.succeeded() || p.deltas.get() != chunks)
                    .count();
            double seconds = (end - start) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "%-7s %,12.0f chunks/s  (%,d chunks in %.3f s%s%s)%n",
                    target == Target.RELAY ? "relay" : "direct",
                    deltas / seconds,
                    deltas,
                    seconds,
                    target == Target.RELAY
                            ? String.format(Locale.ROOT, ", relay CPU %.0f ns/chunk", (double) cpu / deltas)
                            : "",
                    failed == 0 ? "" : ", " + failed + " stream(s) failed or short");
        }
    }

    private void latency(int chunks, int intervalMicros) throws Exception {
        out.printf(
                Locale.ROOT,
                "%n== latency: %,d chunks, one every %d µs; upstream starts writing -> client reads the delta%n",
                chunks,
                intervalMicros);
        Map<Target, long[]> byTarget = new EnumMap<>(Target.class);
        for (Target target : Target.values()) {
            long[] sent = upstream.newSendLog(chunks);
            long[] received = new long[chunks];
            StreamProgress p = new StreamProgress();
            client.stream(
                    target,
                    target == Target.RELAY ? relay.baseUrl() : upstream.baseUrl(),
                    "paced:" + chunks + ":" + intervalMicros,
                    p,
                    received);
            requireSuccess(p, "latency");
            long[] latencies = new long[chunks];
            int n = 0;
            for (int i = 0; i < chunks; i++) {
                if (sent[i] != 0 && received[i] != 0) {
                    latencies[n++] = received[i] - sent[i];
                }
            }
            long[] measured = Arrays.copyOf(latencies, n);
            Arrays.sort(measured);
            byTarget.put(target, measured);
            out.printf(
                    Locale.ROOT,
                    "%-7s %s  (%d of %d chunks timed)%n",
                    target == Target.RELAY ? "relay" : "direct",
                    Percentiles.describeMicros(measured),
                    n,
                    chunks);
        }
        long[] relayed = byTarget.getOrDefault(Target.RELAY, new long[0]);
        long[] direct = byTarget.getOrDefault(Target.DIRECT, new long[0]);
        out.printf(
                Locale.ROOT,
                "added   p50 %.0f µs, p99 %.0f µs (relay percentile minus direct percentile)%n",
                (Percentiles.of(relayed, 0.50) - Percentiles.of(direct, 0.50)) / 1e3,
                (Percentiles.of(relayed, 0.99) - Percentiles.of(direct, 0.99)) / 1e3);
    }

    private void timeToFirstByte(int requests) {
        out.printf(Locale.ROOT, "%n== time to first byte: %d sequential short answers (8 chunks)%n", requests);
        for (Target target : Target.values()) {
            long[] firstByte = new long[requests];
            long[] firstDelta = new long[requests];
            for (int i = 0; i < requests; i++) {
                StreamProgress p = new StreamProgress();
                client.stream(target, target == Target.RELAY ? relay.baseUrl() : upstream.baseUrl(), "fast:8", p, null);
                requireSuccess(p, "ttfb");
                firstByte[i] = p.firstByteNanos - p.startNanos;
                firstDelta[i] = p.firstDeltaNanos - p.startNanos;
            }
            Arrays.sort(firstByte);
            Arrays.sort(firstDelta);
            String side = target == Target.RELAY ? "relay" : "direct";
            out.printf(Locale.ROOT, "%-7s first byte  %s%n", side, Percentiles.describeMicros(firstByte));
            out.printf(Locale.ROOT, "%-7s first delta %s%n", side, Percentiles.describeMicros(firstDelta));
        }
    }

    private void slowUpstream(int delayMillis) {
        out.printf(
                Locale.ROOT,
                "%n== slow upstream: the upstream sends its status line after %d ms, then 8 chunks%n",
                delayMillis);
        StreamProgress p = new StreamProgress();
        client.stream(Target.RELAY, relay.baseUrl(), "slow:" + delayMillis + ":8", p, null);
        requireSuccess(p, "slow");
        out.printf(
                Locale.ROOT,
                "relay   HTTP %d after %.0f ms, first byte after %.0f ms, first delta after %.0f ms, end after %.0f ms%n",
                p.status,
                (p.headersNanos - p.startNanos) / 1e6,
                (p.firstByteNanos - p.startNanos) / 1e6,
                (p.firstDeltaNanos - p.startNanos) / 1e6,
                (p.endNanos - p.startNanos) / 1e6);
    }

    private void concurrentSlowStreams(int count, int chunks, int intervalMillis) throws Exception {
        out.printf(
                Locale.ROOT,
                "%n== concurrent: %,d streams at once, each %d chunks one every %d ms (%.0f s)%n",
                count,
                chunks,
                intervalMillis,
                chunks * intervalMillis / 1e3);
        RelayProcess.Stats idle = relay.stats();
        out.printf(Locale.ROOT, "relay idle:    %s%n", describe(idle));
        List<StreamProgress> progress = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            StreamProgress p = new StreamProgress();
            progress.add(p);
            streams.execute(() ->
                    client.stream(Target.RELAY, relay.baseUrl(), "drip:" + chunks + ":" + intervalMillis, p, null));
        }
        // Measure once every stream has its first byte (all are open then), but not before the
        // middle of a stream's life, and not after its end.
        long lifetime = TimeUnit.MILLISECONDS.toNanos((long) chunks * intervalMillis);
        long allStarted = 0;
        while (System.nanoTime() - start < lifetime) {
            if (allStarted == 0 && progress.stream().allMatch(p -> p.firstByteNanos != 0)) {
                allStarted = System.nanoTime();
            }
            if (allStarted != 0 && System.nanoTime() - start >= lifetime / 2) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        out.printf(
                Locale.ROOT,
                "all %d streams had their first byte %s%n",
                count,
                allStarted == 0
                        ? "only later (measured anyway at the end of a stream's life)"
                        : String.format(Locale.ROOT, "after %.1f s", (allStarted - start) / 1e9));
        RelayProcess.Stats busy = relay.stats();
        long withFirstByte =
                progress.stream().filter(p -> p.firstByteNanos != 0).count();
        long withDelta = progress.stream().filter(p -> p.deltas.get() > 0).count();
        out.printf(
                Locale.ROOT, "relay busy:    %s  (after %.1f s)%n", describe(busy), (System.nanoTime() - start) / 1e9);
        out.printf(
                Locale.ROOT,
                "streams: %d of %d had their first byte, %d had text from the upstream%n",
                withFirstByte,
                count,
                withDelta);
        long[] firstBytes = progress.stream()
                .filter(p -> p.firstByteNanos != 0)
                .mapToLong(p -> p.firstByteNanos - p.startNanos)
                .sorted()
                .toArray();
        out.printf(Locale.ROOT, "first byte:    %s%n", Percentiles.describeMicros(firstBytes));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && progress.stream().anyMatch(p -> !p.done)) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        long succeeded = progress.stream().filter(StreamProgress::succeeded).count();
        long lastEnd = progress.stream().mapToLong(p -> p.endNanos).max().orElse(start);
        long[] durations = progress.stream()
                .filter(p -> p.done)
                .mapToLong(p -> p.endNanos - p.startNanos)
                .sorted()
                .toArray();
        out.printf(
                Locale.ROOT,
                "completed: %d of %d streams, the last after %.1f s; stream durations %s%n",
                succeeded,
                count,
                (lastEnd - start) / 1e9,
                Percentiles.describeSeconds(durations));
        RelayProcess.Stats after = relay.stats();
        out.printf(Locale.ROOT, "relay after:   %s%n", describe(after));
    }

    private List<StreamProgress> runConcurrently(Target target, String plan, int concurrency) throws Exception {
        List<StreamProgress> progress = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        String baseUrl = target == Target.RELAY ? relay.baseUrl() : upstream.baseUrl();
        for (int i = 0; i < concurrency; i++) {
            StreamProgress p = new StreamProgress();
            progress.add(p);
            running.add(streams.submit(() -> client.stream(target, baseUrl, plan, p, null)));
        }
        for (Future<?> future : running) {
            future.get(10, TimeUnit.MINUTES);
        }
        return progress;
    }

    private static void requireSuccess(StreamProgress p, String phase) {
        if (!p.succeeded()) {
            throw new IllegalStateException(phase + ": stream failed (HTTP " + p.status + ", terminal "
                    + (p.terminal.isEmpty() ? "none" : p.terminal) + ", " + p.failure + ")");
        }
    }

    private static String describe(RelayProcess.Stats stats) {
        return String.format(
                Locale.ROOT,
                "heap after GC %.1f MB (committed %.0f MB), %d live threads (peak %d)",
                stats.heapAfterGc() / 1048576.0,
                stats.heapCommitted() / 1048576.0,
                stats.threads(),
                stats.peakThreads());
    }
}
