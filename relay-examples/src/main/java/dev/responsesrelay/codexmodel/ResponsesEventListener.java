package dev.responsesrelay.codexmodel;

import dev.responsesrelay.SseEvent;

/**
 * Receives the Responses stream events of one {@link CodexExecution}, in order, as they happen.
 *
 * <p>Called on the execution's own thread, never concurrently. The first events are {@code
 * response.created} and {@code response.in_progress}; the last is exactly one terminal event, {@code
 * response.completed} or {@code response.failed}, after which no further calls are made. After
 * {@link CodexExecution#cancel()} no further calls are made either. If the listener throws, the
 * execution is cancelled.
 */
@FunctionalInterface
public interface ResponsesEventListener {
    /** Handles one event; its name is the Responses event {@code type} and its data is the JSON. */
    void onEvent(SseEvent event);
}
