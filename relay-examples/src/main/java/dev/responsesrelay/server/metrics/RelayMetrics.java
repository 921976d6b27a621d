package dev.responsesrelay.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's metrics. Each server has its own registry (not the client library's global one), so
 * several relays in one JVM, as in the tests, do not add up. Model labels are capped: a client can
 * send any model name, and each new label value is a new time series.
 */
public final class RelayMetrics {
    /** The {@code Content-Type} of {@link #write}'s output. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** Distinct model label values kept before further names are counted as {@code other}. */
    static final int MAX_MODELS = 200;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter requests = Counter.builder()
            .name("relay_requests_total")
            .help("Requests answered, by route, model, HTTP status and direction (responses: Responses clients"
                    + " in front of Chat upstreams; chat: the reverse)")
            .labelNames("route", "model", "status", "direction")
            .register(registry);
    private final Gauge openStreams = Gauge.builder()
            .name("relay_open_streams")
            .help("Streamed answers in progress")
            .register(registry);
    private final Counter fallbacks = Counter.builder()
            .name("relay_fallbacks_total")
            .help("Requests moved to the next upstream after one failed before any byte reached the client")
            .labelNames("from", "to")
            .register(registry);

    /**
     * Seconds: from a quick local model's first token to a thinking model's minutes of silence and
     * a long answer (Codex's own stream idle timeout is 300 s, docs/codex-wire.md §2).
     */
    private static final double[] SECONDS_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final Histogram upstreamFirstByte = Histogram.builder()
            .name("relay_upstream_first_byte_seconds")
            .help("Time from a request's arrival to the upstream's response headers, by route and model")
            .labelNames("route", "model")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .register(registry);
    private final Histogram firstByte = Histogram.builder()
            .name("relay_first_byte_seconds")
            .help("Time from a request's arrival to the first byte of its answer sent to the client, by route"
                    + " and model")
            .labelNames("route", "model")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .register(registry);
    private final Histogram duration = Histogram.builder()
            .name("relay_request_duration_seconds")
            .help("Time from a request's arrival to the end of its answer, by route and model")
            .labelNames("route", "model")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .register(registry);
    private final Counter tokens = Counter.builder()
            .name("relay_tokens_total")
            .help("Tokens the upstreams reported, by model and kind: input (cached included), cached,"
                    + " output (reasoning included), reasoning")
            .labelNames("model", "kind")
            .register(registry);
    private final Gauge webSockets = Gauge.builder()
            .name("relay_websocket_connections")
            .help("Open WebSocket connections (Codex's Responses WebSocket mode)")
            .register(registry);
    private final Counter storeErrors = Counter.builder()
            .name("relay_store_errors_total")
            .help("Response store operations that failed, by operation (read: resolving a request's"
                    + " previous_response_id or item_reference; write: recording a response)")
            .labelNames("operation")
            .register(registry);

    /** One answered request. */
    public void request(String route, String model, int status, String direction) {
        requests.labelValues(route, modelLabel(model), Integer.toString(status), direction)
                .inc();
    }

    /** A streamed answer started ({@code +1}) or ended ({@code -1}). */
    public void openStreams(int delta) {
        openStreams.inc(delta);
    }

    /** A request moved from one upstream to the next. */
    public void fallback(String from, String to) {
        fallbacks.labelValues(from, to).inc();
    }

    /**
     * The timings and usage of one finished exchange; a negative time or token count is unknown and
     * not observed.
     *
     * @param upstreamHeadersSeconds from arrival to the upstream's response headers
     * @param firstByteSeconds from arrival to the first byte sent to the client
     * @param totalSeconds from arrival to the end of the answer
     */
    public void exchange(
            String route,
            String model,
            double upstreamHeadersSeconds,
            double firstByteSeconds,
            double totalSeconds,
            Usage usage) {
        String label = modelLabel(model);
        if (upstreamHeadersSeconds >= 0) {
            upstreamFirstByte.labelValues(route, label).observe(upstreamHeadersSeconds);
        }
        if (firstByteSeconds >= 0) {
            firstByte.labelValues(route, label).observe(firstByteSeconds);
        }
        if (totalSeconds >= 0) {
            duration.labelValues(route, label).observe(totalSeconds);
        }
        if (usage.input() >= 0) {
            tokens.labelValues(label, "input").inc(usage.input());
            tokens.labelValues(label, "cached").inc(Math.max(0, usage.cached()));
            tokens.labelValues(label, "output").inc(Math.max(0, usage.output()));
            tokens.labelValues(label, "reasoning").inc(Math.max(0, usage.reasoning()));
        }
    }

    /** Token counts of one answer as the upstream reported them; {@code input < 0}: none reported. */
    public record Usage(long input, long cached, long output, long reasoning) {
        /** No usage reported. */
        public static final Usage UNKNOWN = new Usage(-1, 0, 0, 0);
    }

    /** A WebSocket connection opened ({@code +1}) or closed ({@code -1}). */
    public void webSockets(int delta) {
        webSockets.inc(delta);
    }

    /** A response store operation failed; {@code operation} is {@code read} or {@code write}. */
    public void storeError(String operation) {
        storeErrors.labelValues(operation).inc();
    }

    /** Writes every metric in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** {@link #write} as a string. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String modelLabel(String model) {
        if (models.contains(model)) {
            return model;
        }
        if (models.size() >= MAX_MODELS) {
            return "other";
        }
        models.add(model);
        return model;
    }
}
