package dev.responsesrelay.examples.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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

    private void release(long bytes) {
        lock.lock();
        try {
            used -= bytes;
            released.signalAll();
        } finally {
            lock.unlock();
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
         * Adds {@code bytes} without waiting: for a body without {@code Content-Length}, charged as
         * it is read, so later requests see what it really holds.
         */
        public void grow(long bytes) {
            if (held.getAndAccumulate(bytes, (h, b) -> h < 0 ? h : h + b) >= 0) {
                charge(bytes);
            }
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
