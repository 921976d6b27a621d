package dev.responsesrelay.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The burst specifications of {@code memory bursts}; the bursts themselves run against a relay
 * process of their own, which MemoryPressureProcessTest covers at -Xmx128m.
 */
class HeapBurstsTest {
    @Test
    void aBurstIsCountTimesBytesOptionallyOverWebSockets() {
        assertThat(HeapBursts.Burst.parse("16x2000000")).isEqualTo(new HeapBursts.Burst(16, 2_000_000, false));
        assertThat(HeapBursts.Burst.parse(" WS4x30000000 ")).isEqualTo(new HeapBursts.Burst(4, 30_000_000, true));
        assertThat(HeapBursts.Burst.parse("ws4x30000000").label()).isEqualTo("ws 4 x 30 MB");
        assertThatThrownBy(() -> HeapBursts.Burst.parse("30000000")).isInstanceOf(IllegalArgumentException.class);
    }
}
