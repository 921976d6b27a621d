package dev.responsesrelay.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the numbers were measured on: CPUs, CPU model, JVM and load, for the report. */
final class Machine {
    private Machine() {}

    /** One line: CPUs, CPU model, Java version and VM, and the load average now. */
    static String describe() {
        return String.format(
                Locale.ROOT,
                "machine: %d CPUs, %s; Java %s (%s); %s",
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                loadAverage("load average"));
    }

    /** {@code label: 1.00 2.00 3.00} from /proc/loadavg, or a note that it is unknown. */
    static String loadAverage(String label) {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ", -1);
            return label + ": " + fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return label + ": unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "CPU model unknown";
    }
}
