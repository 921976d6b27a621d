package dev.responsesrelay.state;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bounded {@link ResponseStore} in memory, for tests and for embedders that need no persistence.
 * When it holds more than {@code maxResponses} responses or more than {@code maxBytes} (by {@link
 * StoredResponse#approximateBytes()}), the oldest stored responses are evicted first; a response
 * older than the retention is absent. Thread-safe (one lock); everything is lost with the process.
 */
public final class InMemoryResponseStore implements ResponseStore {
    private final int maxResponses;
    private final long maxBytes;
    private final Duration retention;
    private final Clock clock;

    /** Insertion order = eviction order. Keyed by scope and id. */
    private final LinkedHashMap<Key, StoredResponse> responses = new LinkedHashMap<>();
    /** Item id (by scope) to the newest response holding it. */
    private final Map<Key, String> itemOwners = new HashMap<>();

    private long bytes;

    /**
     * @param maxResponses the most responses kept
     * @param maxBytes the most bytes kept, by {@link StoredResponse#approximateBytes()}
     * @param retention how long after its {@code created_at} a response stays visible
     * @param clock the clock retention is measured with
     */
    public InMemoryResponseStore(int maxResponses, long maxBytes, Duration retention, Clock clock) {
        if (maxResponses < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxResponses and maxBytes must be positive");
        }
        this.maxResponses = maxResponses;
        this.maxBytes = maxBytes;
        this.retention = Objects.requireNonNull(retention, "retention == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /** 10 000 responses, 256 MiB, 30 days (OpenAI's retention, docs/state.md §1.1), the system clock. */
    public static InMemoryResponseStore withDefaults() {
        return new InMemoryResponseStore(10_000, 256L * 1024 * 1024, Duration.ofDays(30), Clock.systemUTC());
    }

    @Override
    public synchronized Optional<StoredResponse> get(String scope, String responseId) {
        Key key = new Key(scope, responseId);
        StoredResponse response = responses.get(key);
        if (response == null) {
            return Optional.empty();
        }
        if (expired(response)) {
            remove(key);
            return Optional.empty();
        }
        return Optional.of(response);
    }

    @Override
    public synchronized Optional<StoredItem> findItem(String scope, String itemId) {
        String owner = itemOwners.get(new Key(scope, itemId));
        if (owner == null) {
            return Optional.empty();
        }
        return get(scope, owner).flatMap(response -> find(response, itemId));
    }

    private static Optional<StoredItem> find(StoredResponse response, String itemId) {
        // Output first: an id in both lists is an output the client echoed back as input.
        for (StoredItem item : response.outputItems()) {
            if (item.id().equals(itemId)) {
                return Optional.of(item);
            }
        }
        for (StoredItem item : response.inputItems()) {
            if (item.id().equals(itemId)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void put(StoredResponse response) {
        Key key = new Key(response.scope(), response.id());
        remove(key);
        responses.put(key, response);
        bytes += response.approximateBytes();
        for (StoredItem item : response.inputItems()) {
            itemOwners.put(new Key(response.scope(), item.id()), response.id());
        }
        for (StoredItem item : response.outputItems()) {
            itemOwners.put(new Key(response.scope(), item.id()), response.id());
        }
        Iterator<Map.Entry<Key, StoredResponse>> oldest = responses.entrySet().iterator();
        while ((responses.size() > maxResponses || bytes > maxBytes) && oldest.hasNext()) {
            Map.Entry<Key, StoredResponse> entry = oldest.next();
            if (entry.getKey().equals(key)) {
                // The response just stored is never evicted by its own arrival.
                continue;
            }
            oldest.remove();
            forget(entry.getValue());
        }
    }

    @Override
    public synchronized boolean delete(String scope, String responseId) {
        Key key = new Key(scope, responseId);
        StoredResponse response = responses.get(key);
        if (response == null || expired(response)) {
            remove(key);
            return false;
        }
        remove(key);
        return true;
    }

    /** How many responses are held (expired ones included until they are next looked at). */
    public synchronized int size() {
        return responses.size();
    }

    private boolean expired(StoredResponse response) {
        return clock.instant().getEpochSecond() >= response.createdAt() + retention.toSeconds();
    }

    private void remove(Key key) {
        StoredResponse removed = responses.remove(key);
        if (removed != null) {
            forget(removed);
        }
    }

    /** Drops the bookkeeping of a response no longer held. */
    private void forget(StoredResponse removed) {
        bytes -= removed.approximateBytes();
        for (StoredItem item : removed.inputItems()) {
            itemOwners.remove(new Key(removed.scope(), item.id()), removed.id());
        }
        for (StoredItem item : removed.outputItems()) {
            itemOwners.remove(new Key(removed.scope(), item.id()), removed.id());
        }
    }

    private record Key(String scope, String id) {}
}
