package dev.responsesrelay.bench;

import dev.responsesrelay.SseEvent;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The translator-to-baseline time ratio per chunk kind, measured in pairs: short batches of the
 * translator and of the {@link NaiveTranslator} alternate on one thread, each timed by the
 * thread's own CPU clock, and the ratio is taken per pair. The median of those ratios is what
 * {@code java -jar benchmarks.jar ratio} reports.
 *
 * <p>Why next to JMH: JMH runs the two sides one after the other, seconds apart, so on a machine
 * shared with other work each side sees different contention and their ratio drifts with the
 * load. Paired batches a few milliseconds apart see the same contention, and thread CPU time
 * leaves out the time spent waiting for a CPU. It leaves out the collector's threads too, which
 * favours the side that allocates more (the baseline, by about 2x): a conservative choice for the
 * translator. JMH remains the reference on a quiet machine.
 */
final class PairedRatio {
    /** Chunks per timed batch: about a millisecond of work, far above the CPU clock's resolution. */
    static final int BATCH = 2_000;

    private final Duration warmup;
    private final Duration measure;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long sink;

    PairedRatio(Duration warmup, Duration measure) {
        this.warmup = warmup;
        this.measure = measure;
    }

    /**
     * Runs {@code ratio [warm-up seconds] [measured seconds] [KIND,…]} (CPU seconds of the
     * measuring thread per chunk kind, 3 and 5 by default; every kind by default, in declaration
     * order, in this one JVM) and prints the table.
     */
    static int run(String[] args, PrintStream out) {
        if (!ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported()) {
            out.println("This JVM has no thread CPU clock; use the JMH benchmarks instead.");
            return 1;
        }
        Duration warmup = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 3);
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        List<ChunkKind> kinds = new ArrayList<>();
        if (args.length > 2) {
            for (String name : args[2].split(",", -1)) {
                kinds.add(ChunkKind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
        } else {
            kinds.addAll(List.of(ChunkKind.values()));
        }
        PairedRatio ratio = new PairedRatio(warmup, measure);
        out.printf(
                Locale.ROOT,
                "Paired translator/baseline batches of %d chunks; per kind %ds warm-up + %ds measured,"
                        + " in thread CPU time%n",
                BATCH,
                warmup.toSeconds(),
                measure.toSeconds());
        out.printf(
                Locale.ROOT,
                "%-15s %10s %10s %7s %15s %7s%n",
                "kind",
                "relay ns",
                "base ns",
                "ratio",
                "ratio p25-p75",
                "pairs");
        for (ChunkKind kind : kinds) {
            Summary s = ratio.measure(kind);
            out.printf(
                    Locale.ROOT,
                    "%-15s %10.1f %10.1f %7.2f %7.2f-%-7.2f %7d%n",
                    kind,
                    s.relayNanos,
                    s.baselineNanos,
                    s.ratio,
                    s.ratioP25,
                    s.ratioP75,
                    s.pairs);
        }
        out.println("relay/base ns: median thread CPU ns per chunk; ratio: median of per-pair ratios");
        return ratio.sink == 42 ? 3 : 0; // reads the sink so the JIT cannot drop the work
    }

    /** Warms up, then measures pairs of batches of one kind until the measuring time is over. */
    Summary measure(ChunkKind kind) {
        ChunkTranslationBenchmark.StreamFeed feed = new ChunkTranslationBenchmark.StreamFeed();
        feed.open(kind);
        NaiveTranslator naive = new NaiveTranslator("msg_0123456789abcdef01234567");
        String chunk = kind.chunk();
        // Budgets are in this thread's CPU time, not wall time: on a busy machine a wall-clock
        // warm-up can end before the JIT compiler got enough CPU to finish.
        long warmupEnd = threads.getCurrentThreadCpuTime() + warmup.toNanos();
        while (threads.getCurrentThreadCpuTime() < warmupEnd) {
            relayBatch(feed, chunk);
            baselineBatch(naive, kind, chunk);
        }
        List<double[]> pairs = new ArrayList<>();
        long end = threads.getCurrentThreadCpuTime() + measure.toNanos();
        boolean relayFirst = true;
        while (threads.getCurrentThreadCpuTime() < end) {
            // Alternate which side goes first, so neither always runs right after a collection the
            // other one caused.
            double relay;
            double baseline;
            if (relayFirst) {
                relay = relayBatch(feed, chunk);
                baseline = baselineBatch(naive, kind, chunk);
            } else {
                baseline = baselineBatch(naive, kind, chunk);
                relay = relayBatch(feed, chunk);
            }
            relayFirst = !relayFirst;
            pairs.add(new double[] {relay, baseline});
        }
        return Summary.of(pairs);
    }

    /** CPU ns per chunk of one translator batch. */
    private double relayBatch(ChunkTranslationBenchmark.StreamFeed feed, String chunk) {
        long start = threads.getCurrentThreadCpuTime();
        long acc = 0;
        for (int i = 0; i < BATCH; i++) {
            List<SseEvent> events = feed.next(chunk);
            acc += events.size();
            if (!events.isEmpty()) {
                acc += events.get(0).data().length();
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        sink += acc;
        return (double) cpu / BATCH;
    }

    /** CPU ns per chunk of one baseline batch. */
    private double baselineBatch(NaiveTranslator naive, ChunkKind kind, String chunk) {
        long start = threads.getCurrentThreadCpuTime();
        long acc = 0;
        for (int i = 0; i < BATCH; i++) {
            acc += naive.translate(kind, chunk).data().length();
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        sink += acc;
        return (double) cpu / BATCH;
    }

    /** Medians over the pairs. */
    record Summary(double relayNanos, double baselineNanos, double ratio, double ratioP25, double ratioP75, int pairs) {
        static Summary of(List<double[]> pairs) {
            int n = pairs.size();
            if (n == 0) {
                return new Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double[] relay = new double[n];
            double[] baseline = new double[n];
            double[] ratios = new double[n];
            for (int i = 0; i < n; i++) {
                relay[i] = pairs.get(i)[0];
                baseline[i] = pairs.get(i)[1];
                ratios[i] = relay[i] / baseline[i];
            }
            Arrays.sort(relay);
            Arrays.sort(baseline);
            Arrays.sort(ratios);
            return new Summary(
                    quantile(relay, 0.5),
                    quantile(baseline, 0.5),
                    quantile(ratios, 0.5),
                    quantile(ratios, 0.25),
                    quantile(ratios, 0.75),
                    n);
        }

        /** The nearest-rank quantile of sorted values. */
        static double quantile(double[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }
}
