package dev.responsesrelay.bench.load;

import java.util.Locale;

/** Nearest-rank percentiles of sorted nanosecond samples. */
final class Percentiles {
    private Percentiles() {}

    /** The {@code q} quantile (0 to 1) of {@code sorted}; NaN if there are no samples. */
    static double of(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** {@code p50 … p90 … p99 … max …} in microseconds. */
    static String describeMicros(long[] sorted) {
        return String.format(
                Locale.ROOT,
                "p50 %,.0f µs, p90 %,.0f µs, p99 %,.0f µs, max %,.0f µs",
                of(sorted, 0.50) / 1e3,
                of(sorted, 0.90) / 1e3,
                of(sorted, 0.99) / 1e3,
                of(sorted, 1.0) / 1e3);
    }

    /** {@code p50 … p99 … max …} in seconds. */
    static String describeSeconds(long[] sorted) {
        return String.format(
                Locale.ROOT,
                "p50 %.1f s, p99 %.1f s, max %.1f s",
                of(sorted, 0.50) / 1e9,
                of(sorted, 0.99) / 1e9,
                of(sorted, 1.0) / 1e9);
    }
}
