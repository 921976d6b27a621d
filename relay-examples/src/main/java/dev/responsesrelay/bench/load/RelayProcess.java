package dev.responsesrelay.bench.load;

import dev.responsesrelay.server.RelayServer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The relay server in a JVM of its own, so that its heap and threads can be counted apart from the
 * benchmark's upstream and clients. The child ({@link #main}) starts {@link RelayServer} with the
 * given flags, prints {@code READY <base url>}, then answers {@code stats} on its stdin with one
 * line: heap used after a full collection, committed heap, live and peak threads, and the process's
 * CPU time; {@code cpu} with the CPU time alone. {@code quit} (or the end of stdin) stops it.
 */
final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final BufferedWriter in;
    private final String baseUrl;

    private RelayProcess(Process process, BufferedReader out, BufferedWriter in, String baseUrl) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts a child JVM running the relay in front of {@code upstreamUrl}, on this JVM's class
     * path, with {@code jvmArgs}. Its log goes to {@code log}.
     */
    static RelayProcess start(String upstreamUrl, List<String> jvmArgs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RelayProcess.class.getName());
        command.add("--port");
        command.add("0");
        command.add("--upstream");
        command.add(upstreamUrl);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter in =
                new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        String ready = answer(out, "READY ");
        if (ready == null) {
            process.destroyForcibly();
            throw new IOException("the relay process did not start; see " + log);
        }
        return new RelayProcess(process, out, in, ready);
    }

    /** The relay's base URL, for example {@code http://127.0.0.1:40123/v1}. */
    String baseUrl() {
        return baseUrl;
    }

    /** Asks the child for its numbers; collects its garbage first. */
    Stats stats() throws IOException {
        in.write("stats\n");
        in.flush();
        String line = answer(out, "STATS ");
        if (line == null) {
            throw new IOException("the relay process ended");
        }
        String[] f = line.split(" ", -1);
        return new Stats(
                Long.parseLong(f[0]),
                Long.parseLong(f[1]),
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                Long.parseLong(f[4]));
    }

    /**
     * The child's CPU time so far, without the collection {@link #stats()} does: for CPU per chunk
     * over a phase.
     */
    long cpuNanos() throws IOException {
        in.write("cpu\n");
        in.flush();
        String line = answer(out, "CPU ");
        if (line == null) {
            throw new IOException("the relay process ended");
        }
        return Long.parseLong(line);
    }

    /**
     * The rest of the next line that starts with {@code prefix}, or null at the end of the output.
     * Other lines are the JVM's own (JFR and -Xlog print to stdout) and are skipped.
     */
    private static @Nullable String answer(BufferedReader out, String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException alreadyGone) {
            // it exited on its own
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The child's numbers.
     *
     * @param heapAfterGc heap bytes in use right after {@link System#gc()}: what the open streams keep
     * @param heapCommitted heap bytes the JVM holds from the OS
     * @param threads live threads
     * @param peakThreads most live threads since start
     * @param cpuNanos CPU time of the whole process so far, the collection included
     */
    record Stats(long heapAfterGc, long heapCommitted, int threads, int peakThreads, long cpuNanos) {}

    /** The child: runs the relay until told to stop. */
    public static void main(String[] args) throws Exception {
        try (RelayServer server = RelayServer.start(args)) {
            System.out.println("READY " + server.baseUrl());
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String command;
            while ((command = commands.readLine()) != null && !command.equals("quit")) {
                if (command.equals("stats")) {
                    System.out.println("STATS " + ownStats());
                } else if (command.equals("cpu")) {
                    System.out.println("CPU " + processCpuNanos());
                }
                System.out.flush();
            }
        }
    }

    private static String ownStats() {
        // Two collections: the first may leave objects whose finalisation or reference processing
        // frees more in the second.
        System.gc();
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long committed =
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return used + " " + committed + " " + threads.getThreadCount() + " " + threads.getPeakThreadCount() + " "
                + processCpuNanos();
    }

    private static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean hotspot ? hotspot.getProcessCpuTime() : -1;
    }
}
