package dev.responsesrelay.examples.embedding;

import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.UpstreamFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;

/**
 * The README's embedding example: one Responses exchange relayed with nothing but the core, for a
 * server that reads and writes bytes itself (Netty, Vert.x, servlets). The upstream call is a
 * function from the Chat request body to the upstream's SSE body, so the example stays free of any
 * HTTP client.
 */
public final class EmbeddingExample {
    private static final ResponsesTranslator TRANSLATOR = ResponsesTranslator.builder()
            .provider(ProviderProfile.GENERIC)
            .build(); // immutable and thread-safe: build once, share

    private EmbeddingExample() {}

    /**
     * Relays one streamed exchange: translates {@code requestBody}, calls the upstream with the Chat
     * body, and writes Responses SSE to {@code client}. Returns the HTTP status to answer with: 400
     * for a request the translator refuses (its OpenAI error body is written), else 200.
     */
    public static int relay(byte[] requestBody, Function<String, InputStream> callUpstream, OutputStream client)
            throws IOException {
        Translation t;
        try {
            t = TRANSLATOR.translate(requestBody);
        } catch (InvalidRequestException e) {
            client.write(e.error().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return e.error().httpStatus();
        }
        ResponsesStream stream = t.newStream(); // single use, one thread
        write(client, stream.start()); // response.created at once, before the upstream answers
        SseDecoder decoder = SseDecoder.create();
        try (InputStream upstream = callUpstream.apply(t.chatRequestJson())) {
            byte[] buffer = new byte[8192];
            for (int n; (n = upstream.read(buffer)) != -1; ) {
                for (SseEvent e : decoder.feed(buffer, 0, n)) {
                    write(client, stream.onEvent(e));
                }
            }
            for (SseEvent e : decoder.finish()) {
                write(client, stream.onEvent(e));
            }
            write(client, stream.onEnd()); // completed, incomplete or failed: always exactly one
        } catch (IOException e) {
            // The connection broke mid-answer: fail closed, never a half tool call.
            write(client, stream.onFailure(UpstreamFailure.transport(String.valueOf(e.getMessage()))));
        }
        return 200;
    }

    private static void write(OutputStream client, List<SseEvent> events) throws IOException {
        for (SseEvent event : events) {
            client.write(SseEncoder.encodeUtf8(event));
        }
        client.flush(); // event by event: the client renders tokens as they come
    }
}
