package dev.responsesrelay.doctor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The few HTTP requests {@code doctor} makes to the upstream, and what came back. */
final class UpstreamProbe {
    /**
     * What one request got.
     *
     * @param url the URL called
     * @param status the HTTP status, or 0 if no answer arrived
     * @param contentType the answer's {@code Content-Type}, or empty
     * @param body the body's bytes (an SSE stream is read to its end)
     * @param transportError why no answer arrived, when {@code status} is 0
     */
    @SuppressWarnings("ArrayRecordComponent") // read once by the checks, never compared or hashed
    record Answer(
            String url,
            int status,
            String contentType,
            byte[] body,
            @Nullable String transportError) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status / 100 == 2;
        }

        boolean isEventStream() {
            return contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
        }
    }

    private final HttpClient client;
    private final String baseUrl;
    private final @Nullable String apiKey;
    private final Duration timeout;
    private int requests;

    UpstreamProbe(HttpClient client, String baseUrl, @Nullable String apiKey, Duration timeout) {
        this.client = client;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Whether a key is sent upstream. */
    boolean sendsKey() {
        return apiKey != null;
    }

    /** How many requests were made so far (the report says so). */
    int requests() {
        return requests;
    }

    Answer models() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/models")).GET());
    }

    Answer chat(String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream, application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)));
    }

    private Answer send(HttpRequest.Builder request) {
        requests++;
        request.timeout(timeout);
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest built = request.build();
        String url = built.uri().toString();
        try {
            HttpResponse<byte[]> response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
            Optional<String> type = response.headers().firstValue("Content-Type");
            return new Answer(url, response.statusCode(), type.orElse(""), response.body(), null);
        } catch (IOException e) {
            String message = e.getMessage();
            return new Answer(
                    url, 0, "", new byte[0], e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(url, 0, "", new byte[0], "interrupted");
        }
    }
}
