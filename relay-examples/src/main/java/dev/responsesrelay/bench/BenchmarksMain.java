package dev.responsesrelay.bench;

import dev.responsesrelay.bench.load.LoadBenchmark;
import dev.responsesrelay.bench.memory.MemoryPerRequest;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The entry point of {@code benchmarks.jar}.
 *
 * <pre>
 * java -jar benchmarks.jar [JMH options]   the JMH benchmarks of the core, then the ratio table
 * java -jar benchmarks.jar ratio [s] [s]   the per-chunk ratios, measured in alternating pairs
 * java -jar benchmarks.jar load [options]  the relay server on loopback ({@link LoadBenchmark})
 * java -jar benchmarks.jar memory [options] heap per request body byte ({@link MemoryPerRequest})
 * java -jar benchmarks.jar help            this text and JMH's options
 * </pre>
 *
 * <p>Without JMH options it runs every benchmark of this package with the short defaults set on
 * the benchmark classes (1 fork, 4 warm-up and 5 measured iterations of 1 s), JMH's GC profiler
 * ({@code -prof gc}, bytes allocated per operation) and {@link CpuTimeProfiler} (CPU time per
 * operation, which a busy machine does not inflate). Any JMH option works: {@code -f
 * 3 -wi 10 -i 10} for a longer run, {@code -prof gc} or {@code -prof jfr} explicitly (naming a
 * profiler replaces the default one), a regular expression to pick benchmarks ({@code Chunk}), and
 * {@code -rf json -rff results.json} to keep the results.
 */
public final class BenchmarksMain {
    private static final String USAGE = """
            Usage:
              java -jar benchmarks.jar [JMH options]  JMH benchmarks of the core, then the ratio table
                                                      (default: all, -prof gc and CpuTimeProfiler)
              java -jar benchmarks.jar ratio [warm-up s] [measured s] [KIND,...]
                                                      translator/baseline CPU-time ratio per chunk kind,
                                                      in alternating batches (robust on a busy machine)
              java -jar benchmarks.jar load [options] the relay server on loopback, end to end
                                                      (load --help for its options)
              java -jar benchmarks.jar memory [options] heap allocated and held per request body
                                                      byte, per request path (memory --help)
              java -jar benchmarks.jar help           this text, then JMH's options

            Useful JMH options:
              -f <forks> -wi <warm-up iterations> -i <iterations> -w/-r <iteration time, e.g. 2s>
              -prof gc | jfr | stack | dev.responsesrelay.bench.CpuTimeProfiler
                (naming any profiler replaces the two defaults)
              -p kind=TEXT,USAGE   -rf json -rff results.json   <regexp of benchmark names>
            """;

    private BenchmarksMain() {}

    /** Runs the subcommand named by the first argument, or the JMH benchmarks. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("help") || args[0].equals("--help"))) {
            System.out.print(USAGE);
            new CommandLineOptions("-h").showHelp();
            return;
        }
        if (args.length > 0 && args[0].equals("load")) {
            System.exit(LoadBenchmark.run(Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("memory")) {
            System.exit(MemoryPerRequest.run(Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("ratio")) {
            System.exit(PairedRatio.run(Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        System.exit(runJmh(args));
    }

    /** Runs JMH with our defaults, then prints the ratios to the baselines; returns the exit code. */
    static int runJmh(String[] args) throws Exception {
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        if (cli.shouldHelp()
                || cli.shouldList()
                || cli.shouldListWithParams()
                || cli.shouldListProfilers()
                || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args); // JMH's own listing and help
            return 0;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(BenchmarksMain.class.getPackageName() + "\\.");
        }
        if (cli.getProfilers().isEmpty()) {
            options.addProfiler(GCProfiler.class);
            options.addProfiler(CpuTimeProfiler.class);
        }
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (NoBenchmarksException e) {
            System.err.println("No benchmark matches " + cli.getIncludes() + "; list them with -l");
            return 1;
        } catch (RunnerException e) {
            System.err.print("ERROR: ");
            e.printStackTrace(System.err);
            return 1;
        }
        printRatios(results, System.out);
        return 0;
    }

    /**
     * For each chunk kind with both sides measured: time and allocation of the translator, of the
     * naive baseline, and their ratios (the goal is a time ratio of at most 1.0).
     */
    static void printRatios(Collection<RunResult> results, PrintStream out) {
        Map<String, Pair> byKind = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String kind = result.getParams().getParam("kind");
            if (kind == null || !benchmark.startsWith(ChunkTranslationBenchmark.class.getName() + ".")) {
                continue;
            }
            Pair pair = byKind.computeIfAbsent(kind, k -> new Pair());
            if (benchmark.endsWith(".relay")) {
                pair.relay = result;
            } else if (benchmark.endsWith(".baseline")) {
                pair.baseline = result;
            }
        }
        byKind.values().removeIf(pair -> pair.relay == null || pair.baseline == null);
        if (byKind.isEmpty()) {
            return;
        }
        out.println();
        out.println("Translator vs naive baseline, per chunk (goal: time ratio <= 1.00)");
        out.printf(
                Locale.ROOT,
                "%-15s %9s %9s %6s  %9s %9s %6s  %9s %9s %6s%n",
                "kind",
                "relay ns",
                "base ns",
                "ratio",
                "relay cpu",
                "base cpu",
                "ratio",
                "relay B",
                "base B",
                "ratio");
        for (Map.Entry<String, Pair> entry : byKind.entrySet()) {
            RunResult relay = entry.getValue().relay;
            RunResult baseline = entry.getValue().baseline;
            if (relay == null || baseline == null) {
                continue;
            }
            double relayNs = relay.getPrimaryResult().getScore();
            double baselineNs = baseline.getPrimaryResult().getScore();
            double relayCpu = secondary(relay, "cpu.time.norm");
            double baselineCpu = secondary(baseline, "cpu.time.norm");
            double relayBytes = secondary(relay, "gc.alloc.rate.norm");
            double baselineBytes = secondary(baseline, "gc.alloc.rate.norm");
            out.printf(
                    Locale.ROOT,
                    "%-15s %9.1f %9.1f %6.2f  %9.1f %9.1f %6.2f  %9.1f %9.1f %6.2f%n",
                    entry.getKey(),
                    relayNs,
                    baselineNs,
                    relayNs / baselineNs,
                    relayCpu,
                    baselineCpu,
                    relayCpu / baselineCpu,
                    relayBytes,
                    baselineBytes,
                    relayBytes / baselineBytes);
        }
        out.println("ns: wall-clock time per chunk; cpu: process CPU ns per chunk (CpuTimeProfiler);"
                + " B: bytes allocated per chunk (-prof gc); NaN: that profiler did not run");
    }

    /** A secondary (profiler) result per operation; NaN when its profiler did not run. */
    private static double secondary(RunResult result, String name) {
        // JMH declares the map with a raw Result type; reading it through Map<String, ?> keeps
        // -Xlint:rawtypes quiet.
        Map<String, ?> secondary = result.getSecondaryResults();
        return secondary.get(name) instanceof Result<?> value ? value.getScore() : Double.NaN;
    }

    private static final class Pair {
        @Nullable
        RunResult relay;

        @Nullable
        RunResult baseline;
    }
}
