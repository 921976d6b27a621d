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
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One streamed Responses exchange relayed with nothing but relay-core, for a server that reads and
 * writes bytes itself (servlets, Netty, Vert.x). The HTTP client is yours: {@link ChatUpstream}.
 */
public final class EmbeddingExample {
    /** Your HTTP client: POSTs the Chat request to {base}/chat/completions, returns the SSE body. */
    @FunctionalInterface
    public interface ChatUpstream {
        /** Throws when the upstream cannot be reached; the client then gets response.failed. */
        InputStream post(String chatRequestJson) throws IOException;
    }

    private static final ResponsesTranslator TRANSLATOR = ResponsesTranslator.builder()
            .provider(ProviderProfile.GENERIC) // or DEEPSEEK, OLLAMA, ...: what the upstream accepts
            .build(); // immutable, thread-safe: build once, share

    private EmbeddingExample() {}

    /**
     * Relays the Responses request {@code requestBody} (POST /v1/responses) to {@code upstream} and
     * writes the answer to {@code client}. Returns the HTTP status: the error's (400) with an OpenAI
     * error body for a request the translator refuses, else 200 with Responses server-sent events.
     */
    public static int relay(byte[] requestBody, ChatUpstream upstream, OutputStream client) throws IOException {
        Translation t;
        try {
            t = TRANSLATOR.translate(requestBody);
        } catch (InvalidRequestException e) {
            client.write(e.error().toJson().getBytes(StandardCharsets.UTF_8));
            return e.error().httpStatus();
        }
        ResponsesStream stream = t.newStream(); // single use, one thread
        write(client, stream.start()); // response.created at once, before the upstream answers
        SseDecoder decoder = SseDecoder.create();
        try (InputStream body = upstream.post(t.chatRequestJson())) {
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) != -1; ) {
                for (SseEvent e : decoder.feed(buffer, 0, n)) {
                    write(client, stream.onEvent(e));
                }
            }
            for (SseEvent e : decoder.finish()) {
                write(client, stream.onEvent(e));
            }
            write(client, stream.onEnd()); // completed, incomplete or failed: always exactly one
        } catch (IOException e) {
            // Unreachable, or the connection broke mid-answer: fail closed, never a half tool call.
            write(client, stream.onFailure(UpstreamFailure.transport(String.valueOf(e.getMessage()))));
        }
        return 200;
    }

    private static void write(OutputStream client, List<SseEvent> events) throws IOException {
        for (SseEvent event : events) {
            client.write(SseEncoder.encodeUtf8(event)); // "event: …\ndata: …\n\n"
        }
        client.flush(); // event by event: the client renders tokens as they come
    }
}
