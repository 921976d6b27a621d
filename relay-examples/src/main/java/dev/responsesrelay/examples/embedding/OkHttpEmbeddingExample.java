package dev.responsesrelay.examples.embedding;

import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.ResponsesListener;
import dev.responsesrelay.okhttp.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * One streamed Responses exchange relayed to a real Chat Completions upstream with relay-okhttp,
 * which does the HTTP call, the SSE decoding, the idle timeout and the mapping of upstream errors.
 */
public final class OkHttpEmbeddingExample {
    private final OkHttpRelay relay; // immutable, thread-safe: one per upstream, shared

    /** {@code baseUrl} is the part before /chat/completions, e.g. https://api.deepseek.com/v1. */
    public OkHttpEmbeddingExample(String baseUrl, @Nullable String apiKey) {
        OkHttpClient client = OkHttpRelay.newClientBuilder().build(); // 4096 calls per host, not 5
        Upstream.Builder upstream = Upstream.builder(baseUrl)
                .provider(ProviderProfile.detect(baseUrl)); // from its host or port, as --provider auto
        if (apiKey != null) {
            upstream.bearerToken(apiKey);
        }
        this.relay = OkHttpRelay.create(client, upstream.build());
    }

    /**
     * Relays the Responses request {@code requestBody} (POST /v1/responses) and writes the answer to
     * {@code client}; returns once the answer is complete. Returns the HTTP status: the error's
     * (400) with an OpenAI error body for a request the translator refuses, else 200 with Responses
     * server-sent events, which end in response.failed if the upstream fails.
     *
     * @throws IOException if writing to {@code client} failed; the upstream call was cancelled
     */
    public int relay(byte[] requestBody, OutputStream client) throws IOException, InterruptedException {
        Translation translation;
        try {
            translation = relay.translator().translate(requestBody);
        } catch (InvalidRequestException e) {
            client.write(e.error().toJson().getBytes(StandardCharsets.UTF_8));
            return e.error().httpStatus();
        }
        ClientWriter listener = new ClientWriter(client);
        RelayCall call = relay.stream(translation, listener); // response.created before it returns
        try {
            listener.closed.await(); // later events arrive on an OkHttp thread, one call at a time
        } catch (InterruptedException e) {
            call.cancel(); // we are shutting down: stop the upstream generating (and billing)
            throw e;
        }
        IOException failedWrite = listener.failedWrite;
        if (failedWrite != null) {
            throw failedWrite; // the client hung up
        }
        return 200;
    }

    /** Writes each batch of events to the client and flushes: one write per upstream read. */
    private static final class ClientWriter extends ResponsesListener {
        private final OutputStream client;
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile @Nullable IOException failedWrite;

        ClientWriter(OutputStream client) {
            this.client = client;
        }

        @Override
        public void onEvents(RelayCall call, List<SseEvent> events) {
            try {
                for (SseEvent event : events) {
                    client.write(SseEncoder.encodeUtf8(event));
                }
                client.flush();
            } catch (IOException e) {
                failedWrite = e;
                // A listener that throws cancels the upstream call at once (ResponsesListener's contract).
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void onClosed(RelayCall call) {
            closed.countDown(); // exactly once, after every other callback
        }
    }
}
