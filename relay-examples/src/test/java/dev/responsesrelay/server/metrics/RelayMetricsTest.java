package dev.responsesrelay.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayMetricsTest {
    @Test
    void countsAppearInThePrometheusTextFormat() {
        RelayMetrics metrics = new RelayMetrics();
        metrics.request("/v1/responses", "deepseek-chat", 200, "responses");
        metrics.request("/v1/responses", "deepseek-chat", 200, "responses");
        metrics.request("/v1/responses", "qwen3", 429, "responses");
        metrics.fallback("a", "b");
        metrics.openStreams(1);

        String text = metrics.scrape();

        assertThat(text)
                .contains(
                        "relay_requests_total{direction=\"responses\",model=\"deepseek-chat\",route=\"/v1/responses\","
                                + "status=\"200\"} 2.0")
                .contains("model=\"qwen3\",route=\"/v1/responses\",status=\"429\"} 1.0")
                .contains("relay_fallbacks_total{from=\"a\",to=\"b\"} 1.0")
                .contains("relay_open_streams 1.0");
    }

    @Test
    void modelLabelsAreCapped() {
        RelayMetrics metrics = new RelayMetrics();
        for (int i = 0; i < RelayMetrics.MAX_MODELS + 5; i++) {
            metrics.request("/v1/responses", "m" + i, 404, "responses");
        }
        String text = metrics.scrape();
        assertThat(text)
                .contains("model=\"other\"")
                .contains("model=\"m0\"")
                .doesNotContain("model=\"m" + (RelayMetrics.MAX_MODELS + 1) + "\"");
    }
}
