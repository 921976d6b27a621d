package dev.responsesrelay.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time the benchmark JVM used per operation ({@code
 * cpu.time.norm}, ns/op) and the share of one CPU per benchmark thread it got ({@code cpu.share}).
 *
 * <p>Why: on a machine shared with other work, wall-clock time per operation counts the time the
 * benchmark thread waited for a CPU. Process CPU time does not, so it stays comparable between a
 * busy and a quiet machine (cache and frequency effects remain). It covers every thread of the
 * JVM, so the collector's work is in it (a real cost of allocation) and so is the JIT compiler's,
 * which is small once warmed up. A {@code cpu.share} well below 1.0 says the wall-clock score is
 * inflated by waiting. Enable with {@code -prof dev.responsesrelay.bench.CpuTimeProfiler};
 * {@link BenchmarksMain} adds it by default.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private long cpuBefore;
    private long wallBefore;

    /** Called reflectively by JMH. */
    public CpuTimeProfiler() {}

    @Override
    public String getDescription() {
        return "process CPU time per operation, and the CPU share the benchmark threads got";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuBefore = processCpuNanos();
        wallBefore = System.nanoTime();
    }

    @Override
    public Collection<? extends Result<?>> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long cpu = processCpuNanos() - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        long ops = result.getMetadata().getAllOps();
        if (cpu < 0 || ops == 0 || wall <= 0) {
            return List.of(); // no CPU clock on this JVM, or nothing ran
        }
        double perOp = (double) cpu / ops;
        double unitsPerNano = 1.0 / benchmarkParams.getTimeUnit().toNanos(1);
        return List.of(
                new ScalarResult(
                        "cpu.time.norm",
                        perOp * unitsPerNano,
                        unitLabel(benchmarkParams.getTimeUnit()) + "/op",
                        AggregationPolicy.AVG),
                new ScalarResult(
                        "cpu.share",
                        (double) cpu / wall / benchmarkParams.getThreads(),
                        "CPUs/thread",
                        AggregationPolicy.AVG));
    }

    /** CPU time of the whole process in ns, or -1 where the JVM does not expose it. */
    private static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return hotspot.getProcessCpuTime();
        }
        return -1;
    }

    private static String unitLabel(TimeUnit unit) {
        return switch (unit) {
            case NANOSECONDS -> "ns";
            case MICROSECONDS -> "us";
            case MILLISECONDS -> "ms";
            case SECONDS -> "s";
            case MINUTES -> "min";
            case HOURS -> "h";
            case DAYS -> "d";
        };
    }
}
