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

    /**
     * Seconds, from a fast local model's first token to a thinking model's minutes of silence and
     * long answers.
     */
    private static final double[] SECONDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter requests = Counter.builder()
            .name("relay_requests_total")
            .help("Requests answered, by route, model, HTTP status and direction (responses: Responses clients"
                    + " in front of Chat upstreams; chat: the reverse)")
            .labelNames("route", "model", "status", "direction")
            .register(registry);
    private final Histogram firstByte = Histogram.builder()
            .name("relay_upstream_first_byte_seconds")
            .help("Time from sending a request upstream to the upstream's first byte")
            .labelNames("upstream")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .register(registry);
    private final Histogram total = Histogram.builder()
            .name("relay_upstream_duration_seconds")
            .help("Time from sending a request upstream to the end of its answer")
            .labelNames("upstream")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .register(registry);
    private final Counter tokens = Counter.builder()
            .name("relay_tokens_total")
            .help("Tokens the upstream reported, by model and kind (input, cached, reasoning, output)")
            .labelNames("model", "kind")
            .register(registry);
    private final Gauge openStreams = Gauge.builder()
            .name("relay_open_streams")
            .help("Streamed answers in progress")
            .register(registry);
    private final Gauge webSockets = Gauge.builder()
            .name("relay_websocket_connections")
            .help("Open Responses WebSocket connections")
            .register(registry);
    private final Counter fallbacks = Counter.builder()
            .name("relay_fallbacks_total")
            .help("Requests moved to the next upstream after one failed before any byte reached the client")
            .labelNames("from", "to")
            .register(registry);
    private final Counter storeErrors = Counter.builder()
            .name("relay_store_errors_total")
            .help("Failed reads and writes of the response store, by operation")
            .labelNames("operation")
            .register(registry);

    /** One answered request. */
    public void request(String route, String model, int status, String direction) {
        requests.labelValues(route, modelLabel(model), Integer.toString(status), direction)
                .inc();
    }

    /** One upstream exchange's times, in seconds; a negative first byte is not recorded. */
    public void upstreamTimes(String upstream, double firstByteSeconds, double totalSeconds) {
        if (firstByteSeconds >= 0) {
            firstByte.labelValues(upstream).observe(firstByteSeconds);
        }
        total.labelValues(upstream).observe(totalSeconds);
    }

    /** The usage one answer reported. */
    public void tokens(String model, long input, long cached, long reasoning, long output) {
        String label = modelLabel(model);
        add(label, "input", input);
        add(label, "cached", cached);
        add(label, "reasoning", reasoning);
        add(label, "output", output);
    }

    /** A streamed answer started ({@code +1}) or ended ({@code -1}). */
    public void openStreams(int delta) {
        openStreams.inc(delta);
    }

    /** A WebSocket connection opened ({@code +1}) or closed ({@code -1}). */
    public void webSockets(int delta) {
        webSockets.inc(delta);
    }

    /** A request moved from one upstream to the next. */
    public void fallback(String from, String to) {
        fallbacks.labelValues(from, to).inc();
    }

    /** A store operation failed. */
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

    private void add(String model, String kind, long count) {
        if (count > 0) {
            tokens.labelValues(model, kind).inc(count);
        }
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
