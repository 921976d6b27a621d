package dev.responsesrelay;

import java.util.List;
import java.util.Optional;

/**
 * Translates one upstream Chat Completions stream into Responses API events. Single use, and not
 * thread-safe: confine each instance to the thread that reads the upstream, as OkHttp's event
 * source does.
 *
 * <p>Every method returns the events to send to the client, in order; an empty list means "nothing
 * yet". The translator fails closed: whatever the upstream does, the events end with exactly one
 * terminal event ({@code response.completed}, {@code response.incomplete} or {@code
 * response.failed}), and a tool call is announced in {@code response.output_item.done} only once the
 * upstream stream is known to be complete, because Codex executes what it receives there.
 *
 * <p>Once {@link #isTerminal()} is true, every method returns an empty list, so a caller can keep
 * draining the upstream after the terminal event (a usage chunk or {@code [DONE]} may still come).
 */
public interface ResponsesStream {
    /**
     * Emits {@code response.created} and {@code response.in_progress} if they were not emitted yet.
     * Call it as soon as the client is connected, before the upstream answers, so the client gets
     * bytes at once; the first {@link #onData} calls it implicitly.
     */
    List<SseEvent> start();

    /** Handles one upstream SSE {@code data} payload: a JSON chunk, or {@code [DONE]}. */
    List<SseEvent> onData(String data);

    /**
     * Handles one decoded upstream SSE event. Same as {@link #onData} for ordinary events; an event
     * named {@code error} (llama.cpp writes {@code error: {json}}) fails the response.
     */
    List<SseEvent> onEvent(SseEvent upstreamEvent);

    /**
     * The upstream stream ended (EOF). Completes the response if a finish reason was seen, and fails
     * it otherwise: a stream cut off mid-answer never looks like a success.
     */
    List<SseEvent> onEnd();

    /** The upstream failed: an HTTP error status, or a transport error. Fails the response. */
    List<SseEvent> onFailure(UpstreamFailure failure);

    /**
     * The upstream is alive but has sent nothing for a while (a local model reading a long prompt,
     * a thinking model that does not stream its reasoning): emits {@code response.in_progress} again,
     * with the in-progress response and the next {@code sequence_number}, so that a client whose
     * idle timer only counts events (Codex's {@code stream_idle_timeout_ms}, which ignores SSE
     * comments) keeps waiting. Every strict client checked accepts the repeat (docs/CLIENTS.md, "Idle
     * events"). Empty before {@link #start()} and once terminal. The caller decides when the upstream
     * has been silent long enough; this method reads no clock.
     */
    List<SseEvent> onIdle();

    /**
     * Ends the response with {@code response.failed} carrying {@code error}, for when one of the
     * other methods threw instead of returning (an {@link OutOfMemoryError} while the terminal events
     * of a long answer were being written, or a bug): the client still gets its one terminal event.
     * The failed response carries no output, since the stream's own state is not trusted to write
     * more; events made but not yet returned by the call that threw are dropped, and the {@code
     * sequence_number}s go on from the last event returned. Empty once the terminal event was
     * returned.
     *
     * <p>The default fails the response as a transport failure of the upstream would, with {@code
     * error}'s message.
     */
    default List<SseEvent> abort(RelayError error) {
        return isTerminal() ? List.of() : onFailure(UpstreamFailure.transport(error.message()));
    }

    /** Whether any event has been emitted yet (then an HTTP error status can no longer be sent). */
    boolean hasStarted();

    /** Whether the terminal event has been emitted. */
    boolean isTerminal();

    /**
     * The final Responses {@code response} object (the one inside the terminal event), once terminal:
     * what a server returns to a client that asked for {@code stream: false}.
     */
    Optional<String> responseJson();

    /** The error the response failed with, once terminal and failed. */
    Optional<RelayError> error();
}
