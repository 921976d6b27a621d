package dev.responsesrelay.server.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * How much heap the requests in flight may hold (issue 18). Each request is charged by its body's
 * size times {@link #REQUEST_AMPLIFICATION}; one that does not fit waits a short, bounded time
 * for others to finish, then is refused (503 with {@code Retry-After}) instead of running the
 * relay out of memory, where an {@code OutOfMemoryError} can strike any thread, including one in
 * the middle of another user's stream. A request always fits a relay with nothing else in flight.
 * Thread-safe.
 */
public final class MemoryBudget {
    /**
     * Heap held while a request is relayed, per byte of its body: the body itself, plus what parsing,
     * mapping and writing the upstream request hold at once. Measured in docs/BENCHMARKS.md
     * ("Memory per request"), rounded up.
     */
    public static final int REQUEST_AMPLIFICATION = 2;

    /** The default budget's share of the maximum heap: the rest is for streams, buffers and Jetty. */
    public static final double DEFAULT_HEAP_SHARE = 0.5;

    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long used;
    /** Charges waiting for room without a thread ({@link Permit#growWhenFits}), first come first served. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    /** A budget of {@code capacity} bytes. */
    public MemoryBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity < 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** {@link #DEFAULT_HEAP_SHARE} of this JVM's maximum heap. */
    public static long defaultCapacity() {
        return (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_SHARE);
    }

    /** The budget in bytes. */
    public long capacity() {
        return capacity;
    }

    /** Bytes charged right now. */
    public long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Charges {@code bytes}, waiting up to {@code wait} for room; null if there was none. A charge
     * is admitted when it fits, or when nothing else is charged (a single request up to the body
     * limit must always be served by an idle relay).
     */
    public @Nullable Permit tryAcquire(long bytes, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (used > 0 && used + bytes > capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                released.await(left, TimeUnit.NANOSECONDS);
            }
            used += bytes;
            return new Permit(bytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A permit that charges nothing yet and never waits: for a body charged as it arrives ({@link
     * Permit#grow}) and admitted once it is worth it ({@link Permit#growWhenFits}).
     */
    public Permit open() {
        return new Permit(0);
    }

    private void release(long bytes) {
        List<Waiter> decided = new ArrayList<>();
        lock.lock();
        try {
            used -= bytes;
            released.signalAll();
            // In order: a large charge at the head is not overtaken by smaller ones forever.
            Iterator<Waiter> queue = waiters.iterator();
            while (queue.hasNext()) {
                Waiter head = queue.next();
                if (head.permit.held.get() < 0) {
                    queue.remove();
                    head.granted = false;
                    decided.add(head);
                } else if (fits(head.permit, head.bytes)) {
                    queue.remove();
                    chargeLocked(head.permit, head.bytes);
                    head.granted = true;
                    decided.add(head);
                } else {
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        decided.forEach(Waiter::answer);
    }

    /**
     * Whether {@code bytes} more fit next to what is charged; or whether nothing but {@code permit}
     * itself is charged (a single request up to the body limit is always served by an idle relay).
     */
    private boolean fits(Permit permit, long bytes) {
        return used + bytes <= capacity || used - Math.max(0, permit.held.get()) <= 0;
    }

    private void chargeLocked(Permit permit, long bytes) {
        if (permit.held.getAndAccumulate(bytes, (h, b) -> h < 0 ? h : h + b) >= 0) {
            used += bytes;
        }
    }

    private void expire(Waiter waiter) {
        lock.lock();
        try {
            if (!waiters.remove(waiter)) {
                return; // granted in the meantime
            }
        } finally {
            lock.unlock();
        }
        waiter.granted = false;
        waiter.answer();
    }

    /** A charge waiting for room, answered once: on its executor, never under the lock. */
    private static final class Waiter {
        final Permit permit;
        final long bytes;
        final Executor executor;
        final Consumer<Boolean> then;
        volatile Scheduler.@Nullable Task timeout;
        volatile boolean granted;

        Waiter(Permit permit, long bytes, Executor executor, Consumer<Boolean> then) {
            this.permit = permit;
            this.bytes = bytes;
            this.executor = executor;
            this.then = then;
        }

        void answer() {
            Scheduler.Task task = timeout;
            if (task != null) {
                task.cancel();
            }
            boolean result = granted;
            executor.execute(() -> then.accept(result));
        }
    }

    private void charge(long bytes) {
        lock.lock();
        try {
            used += bytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One request's charge, given back when the exchange is over and every {@link #hold} on it is
     * released: a response recorded in the store after its answer was sent still holds the request's
     * items (a screenshot among them) until it is written, so its charge stays until then (issue 18).
     */
    public final class Permit {
        /** The request attribute under which the admission handler leaves a request's permit. */
        public static final String ATTRIBUTE = Permit.class.getName();

        private final AtomicLong held;
        private final AtomicInteger holders = new AtomicInteger(1);
        private final AtomicBoolean exchangeOver = new AtomicBoolean();

        private Permit(long bytes) {
            this.held = new AtomicLong(bytes);
        }

        /**
         * Adds {@code bytes} without waiting: for the first bytes of a body, charged as they are
         * read ({@link AsyncBodyRead#ADMIT_AFTER_BYTES} at most), so later requests see what it
         * really holds; what comes past them is admitted with {@link #growWhenFits}.
         */
        public void grow(long bytes) {
            if (held.getAndAccumulate(bytes, (h, b) -> h < 0 ? h : h + b) >= 0) {
                charge(bytes);
            }
        }

        /**
         * Adds {@code bytes} if they fit now ({@link #tryAcquire}'s rule) and no charge waits ahead
         * of them; never waits. For a WebSocket message charged part by part on Jetty's thread,
         * which must not block (issue 18): a part that does not fit refuses its message.
         */
        public boolean tryGrow(long bytes) {
            lock.lock();
            try {
                if (held.get() < 0 || !waiters.isEmpty() || !fits(this, bytes)) {
                    return false;
                }
                chargeLocked(this, bytes);
                return true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Adds {@code bytes} once they fit ({@link #tryAcquire}'s rule), waiting up to {@code wait}
         * without holding a thread: {@code then} gets true once they are charged, false if they did
         * not fit in time or the permit was given back meanwhile. {@code then} runs on the calling
         * thread when the answer is immediate, else on {@code executor}.
         */
        public void growWhenFits(
                long bytes, Duration wait, Scheduler scheduler, Executor executor, Consumer<Boolean> then) {
            Waiter waiter;
            lock.lock();
            try {
                if (held.get() < 0) {
                    waiter = null;
                } else if (waiters.isEmpty() && fits(this, bytes)) {
                    chargeLocked(this, bytes);
                    waiter = null;
                } else {
                    waiter = new Waiter(this, bytes, executor, then);
                    waiters.add(waiter);
                }
            } finally {
                lock.unlock();
            }
            if (waiter == null) {
                then.accept(held.get() >= 0);
                return;
            }
            Waiter waiting = waiter;
            waiting.timeout = scheduler.schedule(() -> expire(waiting), wait.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Bytes this permit charges now (0 once given back). */
        public long held() {
            return Math.max(0, held.get());
        }

        /** The exchange is over: gives the charge back unless a hold keeps it; later calls do nothing. */
        public void release() {
            if (exchangeOver.compareAndSet(false, true)) {
                drop();
            }
        }

        /**
         * Keeps the charge past the exchange until the returned action runs (once; later runs do
         * nothing). A permit already given back returns an action that does nothing.
         */
        public Runnable hold() {
            if (holders.getAndUpdate(h -> h > 0 ? h + 1 : h) <= 0) {
                return () -> {};
            }
            AtomicBoolean once = new AtomicBoolean();
            return () -> {
                if (once.compareAndSet(false, true)) {
                    drop();
                }
            };
        }

        private void drop() {
            if (holders.decrementAndGet() == 0) {
                long bytes = held.getAndSet(-1);
                if (bytes >= 0) {
                    MemoryBudget.this.release(bytes);
                }
            }
        }
    }
}
