package dev.responsesrelay.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
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
