package dev.responsesrelay.examples.embedding;

import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.state.ConversationState;
import dev.responsesrelay.state.ResolvedRequest;
import dev.responsesrelay.state.ResponseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The README's conversation-state example: {@link EmbeddingExample} plus a response store, so
 * clients can send {@code previous_response_id} and {@code item_reference}. Two steps around the
 * translator: resolve before {@code translate}, record after the terminal event has been written,
 * on another thread so the store never slows the stream.
 *
 * <p>The store is any {@link ResponseStore}: {@code InMemoryResponseStore} from the core, {@code
 * JdbcResponseStore.sqlite(...)} or {@code .postgresql(...)} from {@code relay-store}, or your own.
 */
public final class StatefulEmbeddingExample {
    // snippet begin: README.md shows the lines up to the end marker; MarkdownJavaSnippetsTest keeps them equal
    private static final ResponsesTranslator TRANSLATOR =
            ResponsesTranslator.builder().provider(ProviderProfile.GENERIC).build();

    private final ConversationState state;
    private final Executor storeWriter;

    /**
     * @param store where responses are kept
     * @param storeWriter runs the record step (a single-thread executor keeps writes in order)
     */
    public StatefulEmbeddingExample(ResponseStore store, Executor storeWriter) {
        this.state = ConversationState.builder(store).build();
        this.storeWriter = storeWriter;
    }

    /**
     * Relays one streamed exchange for the client identified by {@code scope} (for example a hash
     * of its API key: it sees only its own responses). Returns the HTTP status: 400 or 503 with an
     * OpenAI error body for a request that cannot be resolved or translated, else 200.
     */
    public int relay(byte[] requestBody, String scope, EmbeddingExample.ChatUpstream upstream, OutputStream client)
            throws IOException {
        ResolvedRequest resolved;
        Translation t;
        try {
            resolved = state.resolve(requestBody, scope); // 1. previous_response_id, item_reference
            t = TRANSLATOR.translate(resolved.body()); //     2. a plain stateless request from here on
        } catch (RelayException e) { // InvalidRequestException, previous_response_not_found, 503
            client.write(e.error().toJson().getBytes(StandardCharsets.UTF_8));
            return e.error().httpStatus();
        }
        ResponsesStream stream = t.newStream();
        Terminal terminal = new Terminal();
        write(client, stream.start(), terminal);
        SseDecoder decoder = SseDecoder.create();
        try (InputStream body = upstream.post(t.chatRequestJson())) {
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) != -1; ) {
                for (SseEvent e : decoder.feed(buffer, 0, n)) {
                    write(client, stream.onEvent(e), terminal);
                }
            }
            for (SseEvent e : decoder.finish()) {
                write(client, stream.onEvent(e), terminal);
            }
            write(client, stream.onEnd(), terminal);
        } catch (IOException e) {
            write(client, stream.onFailure(UpstreamFailure.transport(String.valueOf(e.getMessage()))), terminal);
        }
        // 3. Record after the terminal event is out, off the stream's thread. Failed responses
        //    are not kept: there is nothing to continue from.
        String completed = terminal.completedEventData;
        if (completed != null) {
            storeWriter.execute(() -> state.record(resolved, completed)); // takes the event or its response
        }
        return 200;
    }
    // snippet end

    /** The data of the response.completed or response.incomplete event, once it was written. */
    private static final class Terminal {
        @Nullable
        String completedEventData;
    }

    private static void write(OutputStream client, List<SseEvent> events, Terminal terminal) throws IOException {
        for (SseEvent event : events) {
            client.write(SseEncoder.encodeUtf8(event));
            if (event.event().equals("response.completed") || event.event().equals("response.incomplete")) {
                terminal.completedEventData = event.data();
            }
        }
        client.flush();
    }
}
