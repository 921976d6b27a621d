package dev.responsesrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedRatioTest {
    @Test
    void summaryTakesTheMedianOfPerPairRatiosNotTheRatioOfMedians() {
        PairedRatio.Summary summary = PairedRatio.Summary.of(List.of(
                new double[] {100, 200}, // 0.5
                new double[] {300, 300}, // 1.0
                new double[] {900, 450})); // 2.0

        assertThat(summary.ratio()).isEqualTo(1.0);
        assertThat(summary.ratioP25()).isEqualTo(0.5);
        assertThat(summary.ratioP75()).isEqualTo(2.0);
        assertThat(summary.relayNanos()).isEqualTo(300);
        assertThat(summary.baselineNanos()).isEqualTo(300);
        assertThat(summary.pairs()).isEqualTo(3);
    }

    @Test
    void measuringAKindTimesBothSidesOfEveryPair() {
        PairedRatio.Summary summary = new PairedRatio(Duration.ZERO, Duration.ofMillis(50)).measure(ChunkKind.TEXT);

        assertThat(summary.pairs()).isPositive();
        assertThat(summary.relayNanos()).isPositive();
        assertThat(summary.baselineNanos()).isPositive();
    }

    @Test
    void ratioCommandPrintsOneRowPerChunkKind() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int exit = PairedRatio.run(new String[] {"0", "0"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(exit).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("TEXT ", "REASONING ", "TOOL_ARGUMENTS ", "USAGE ");
    }
}
