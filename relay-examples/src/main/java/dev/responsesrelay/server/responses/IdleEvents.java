package dev.responsesrelay.server.responses;

import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.server.http.SseAnswer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a client's idle timer running while the upstream is alive and silent (issue 13 §3): when
 * no event has gone to the client for {@code interval}, the upstream call is asked for a repeated
 * {@code response.in_progress} ({@link RelayCall#keepClientAlive()}). Codex resets its {@code
 * stream_idle_timeout_ms} (300 s by default) on events and WebSocket messages only, not on SSE
 * comments, so a local model reading a long prompt, or a thinking model that does not stream its
 * reasoning, would otherwise make it give up on a live upstream ("idle timeout waiting for SSE").
 * The SSE keep-alive comments ({@link SseAnswer}) go on as before: they are the hang-up probe.
 *
 * <p>The timer only looks; the event is made on {@code executor}, since delivering it writes to the
 * client and may block. An upstream that is really gone is still ended by the relay's own upstream
 * idle timeout ({@code --idle-timeout}), which idle events do not touch.
 */
final class IdleEvents {
    private static final Logger LOG = Logger.getLogger(IdleEvents.class.getName());
    private static final IdleEvents OFF = new IdleEvents(Duration.ZERO, () -> null, null);

    private final long intervalNanos;
    private final Supplier<@Nullable RelayCall> call;
    private final @Nullable Executor executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile long lastEventNanos = System.nanoTime();
    private volatile @Nullable ScheduledFuture<?> timer;

    private IdleEvents(Duration interval, Supplier<@Nullable RelayCall> call, @Nullable Executor executor) {
        this.intervalNanos = interval.toNanos();
        this.call = call;
        this.executor = executor;
    }

    /**
     * Starts watching one exchange.
     *
     * @param interval how long the client may go without an event; zero or negative: never send one
     * @param call the exchange's current upstream call (a fallback can replace it)
     */
    static IdleEvents start(
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration interval,
            Supplier<@Nullable RelayCall> call) {
        if (interval.isZero() || interval.isNegative()) {
            return OFF;
        }
        IdleEvents idle = new IdleEvents(interval, call, executor);
        // Looking four times per interval sends the event at most a quarter interval late.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idle.intervalNanos / 4);
        try {
            idle.timer = scheduler.scheduleWithFixedDelay(idle::look, period, period, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.log(Level.FINE, "no idle events: the server is stopping", shuttingDown);
        }
        return idle;
    }

    /** An event (or WebSocket message) went to the client: the idle time starts again. */
    void sent() {
        lastEventNanos = System.nanoTime();
    }

    /** The exchange is over. */
    void stop() {
        ScheduledFuture<?> running = timer;
        if (running != null) {
            running.cancel(false);
        }
    }

    private boolean due() {
        return System.nanoTime() - lastEventNanos >= intervalNanos;
    }

    private void look() {
        Executor work = executor;
        if (work == null || !due() || !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            work.execute(this::keepAlive);
        } catch (RejectedExecutionException shuttingDown) {
            queued.set(false);
        }
    }

    private void keepAlive() {
        try {
            RelayCall current = call.get();
            if (current != null && due() && current.keepClientAlive()) {
                LOG.fine("the upstream is silent: sent the client response.in_progress again");
            }
        } finally {
            queued.set(false);
        }
    }
}
