package dev.responsesrelay.server.chat;

import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import java.nio.ByteBuffer;
import java.util.List;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Something that answers Responses API requests for {@link ChatCompletionsHandler}: a Responses
 * upstream over HTTP ({@link ResponsesHttpUpstream}) or the local Codex CLI ({@link
 * CodexChatUpstream}).
 */
public interface ChatUpstream {
    /**
     * Starts one request and returns at once; the answer goes to {@code listener}, on another
     * thread.
     *
     * @param responsesRequestJson the Responses request body from the reverse translator
     * @param clientToken the bearer token the client presented, if any
     * @throws InvalidRequestException if the request cannot be served; nothing was started
     */
    Exchange start(String responsesRequestJson, @Nullable String clientToken, Listener listener);

    /** The {@code GET /v1/models} answer: an HTTP status and a JSON body. */
    ModelList models(@Nullable String clientToken);

    /** A short description for the start-up log line, without secrets. */
    String describe();

    /** Where requests go, for {@code --record}'s {@code exchange.json}: no query, no secrets. */
    default String recordedUrl() {
        return describe();
    }

    /** Whether the upstream streams its answer even when the request does not ask for a stream. */
    default boolean alwaysStreams() {
        return false;
    }

    /** A {@code /v1/models} answer; {@code error} is set when it failed. */
    record ModelList(int status, String json, @Nullable RelayError error) {}

    /** A running request. */
    interface Exchange {
        /** Stops the request; no further listener calls follow. Idempotent. */
        void cancel();
    }

    /**
     * Receives one answer. For a streamed request: {@link #onEvent} for each event, then {@link
     * #onEnd}, or {@link #onFailure} at any point. For a non-streamed one: {@link #onResponse} with
     * the {@code response} object, or {@link #onFailure}. {@link #onEvents} may stand for several
     * {@link #onEvent} calls. Calls come from one thread at a time.
     */
    interface Listener {
        /** One Responses stream event. */
        void onEvent(SseEvent event);

        /**
         * The events of one upstream read, in order; a listener that writes to a client overrides
         * this to write them with one write. By default, {@link #onEvent} for each.
         */
        default void onEvents(List<SseEvent> events) {
            for (SseEvent event : events) {
                onEvent(event);
            }
        }

        /** The upstream's HTTP status and headers, before any body; for {@code --record}. */
        default void onUpstreamResponse(int status, Headers headers) {}

        /**
         * Raw upstream body bytes as read, before the events decoded from them; for {@code
         * --record}. The buffer is only valid during the call.
         */
        default void onUpstreamBytes(ByteBuffer bytes) {}

        /** The event stream ended (EOF). */
        void onEnd();

        /** The whole {@code response} object of a non-streamed request. */
        void onResponse(String responseJson);

        /** An HTTP error status or a transport failure. */
        void onFailure(UpstreamFailure failure);
    }
}
