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

    @Test
    void exchangesFillTheTimingHistogramsAndTokenCounters() {
        RelayMetrics metrics = new RelayMetrics();
        metrics.exchange("/v1/responses", "kimi", 0.2, 0.3, 4.0, new RelayMetrics.Usage(1200, 1000, 80, 30));
        metrics.exchange("/v1/responses", "kimi", -1, -1, 0.01, RelayMetrics.Usage.UNKNOWN);

        String text = metrics.scrape();

        assertThat(text)
                .contains(
                        "relay_upstream_first_byte_seconds_bucket{model=\"kimi\",route=\"/v1/responses\",le=\"0.25\"} 1")
                .contains("relay_upstream_first_byte_seconds_count{model=\"kimi\",route=\"/v1/responses\"} 1")
                .contains("relay_first_byte_seconds_bucket{model=\"kimi\",route=\"/v1/responses\",le=\"0.25\"} 0")
                .contains("relay_first_byte_seconds_bucket{model=\"kimi\",route=\"/v1/responses\",le=\"0.5\"} 1")
                .contains("relay_request_duration_seconds_count{model=\"kimi\",route=\"/v1/responses\"} 2")
                .contains("relay_request_duration_seconds_bucket{model=\"kimi\",route=\"/v1/responses\",le=\"0.05\"} 1")
                .contains("relay_tokens_total{kind=\"input\",model=\"kimi\"} 1200.0")
                .contains("relay_tokens_total{kind=\"cached\",model=\"kimi\"} 1000.0")
                .contains("relay_tokens_total{kind=\"output\",model=\"kimi\"} 80.0")
                .contains("relay_tokens_total{kind=\"reasoning\",model=\"kimi\"} 30.0");
    }

    @Test
    void webSocketsAndStoreErrorsAreCounted() {
        RelayMetrics metrics = new RelayMetrics();
        metrics.webSockets(1);
        metrics.webSockets(1);
        metrics.webSockets(-1);
        metrics.storeError("write");

        String text = metrics.scrape();

        assertThat(text)
                .contains("relay_websocket_connections 1.0")
                .contains("relay_store_errors_total{operation=\"write\"} 1.0");
    }
}
