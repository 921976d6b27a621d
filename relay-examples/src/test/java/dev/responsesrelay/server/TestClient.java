package dev.responsesrelay.server;

import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.okhttp.OkHttpRelay;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** An HTTP client for talking to the relay in tests, as Codex would. */
final class TestClient implements AutoCloseable {
    static final MediaType JSON = MediaType.get("application/json");

    final OkHttpClient http = OkHttpRelay.newClientBuilder()
            .readTimeout(Duration.ofSeconds(30))
            .retryOnConnectionFailure(false)
            .build();
    private final String baseUrl;

    TestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** {@code POST /v1/responses} with {@code body}; the caller closes the response. */
    Response postResponses(String body, String... headerPairs) throws IOException {
        Request.Builder request = new Request.Builder()
                .url(baseUrl + "/responses")
                .post(RequestBody.create(body, JSON))
                .header("Accept", "text/event-stream");
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            request.header(headerPairs[i], headerPairs[i + 1]);
        }
        return http.newCall(request.build()).execute();
    }

    /** {@code GET /metrics} of the relay, which must answer 200 (docs/OPERATIONS.md, "Metrics"). */
    String scrapeMetrics() throws IOException {
        try (Response response = http.newCall(new Request.Builder()
                        .url(baseUrl.replace("/v1", "") + "/metrics")
                        .build())
                .execute()) {
            if (response.code() != 200) {
                throw new IOException("GET /metrics answered HTTP " + response.code());
            }
            return response.body().string();
        }
    }

    /**
     * The metrics once every text in {@code expected} is there: an answer is counted, and its stream
     * closed, when Jetty completes the exchange, which can be a moment after the client read the
     * last byte. Bounded: returns what is there after 10 s, and the caller's assertions then fail.
     */
    String scrapeMetricsWhenSettled(List<String> expected) throws IOException, InterruptedException {
        String metrics = scrapeMetrics();
        for (int i = 0; i < 100 && !expected.stream().allMatch(metrics::contains); i++) {
            Thread.sleep(100);
            metrics = scrapeMetrics();
        }
        return metrics;
    }

    /** A request to {@code url} (absolute, or a path below the server root). */
    Response send(Request request) throws IOException {
        return http.newCall(request).execute();
    }

    /** Reads an event-stream body to its end. */
    static List<SseEvent> readEvents(Response response) throws IOException {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>();
        byte[] buffer = new byte[8192];
        try (InputStream in = response.body().byteStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                events.addAll(decoder.feed(buffer, 0, n));
            }
        }
        events.addAll(decoder.finish());
        return events;
    }

    /** Reads events until one named {@code type} arrives; returns all read so far. */
    static List<SseEvent> readUntil(InputStream in, SseDecoder decoder, String type) throws IOException {
        List<SseEvent> events = new ArrayList<>();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            for (SseEvent event : decoder.feed(buffer, 0, n)) {
                events.add(event);
                if (event.event().equals(type)) {
                    return events;
                }
            }
        }
        throw new IOException("stream ended before " + type + "; got " + events);
    }

    static List<String> types(List<SseEvent> events) {
        return events.stream().map(SseEvent::event).toList();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdownNow();
        http.connectionPool().evictAll();
    }
}
