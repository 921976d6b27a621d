package dev.responsesrelay.codexmodel;

import java.time.Duration;

/** One running {@code codex exec}, started by {@link CodexModelUpstream#start}. Thread-safe. */
public interface CodexExecution {
    /**
     * Stops the run, for example because the client hung up: the Codex process and everything it
     * started are terminated and the listener receives no further events. Does not block; safe to
     * call more than once and after the run finished.
     */
    void cancel();

    /** Whether the run is over: events delivered, process gone, temporary files deleted. */
    boolean isFinished();

    /**
     * Waits until {@link #isFinished()}, at most {@code timeout}.
     *
     * @return whether the run finished in time
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean awaitFinished(Duration timeout) throws InterruptedException;
}
