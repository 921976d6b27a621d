package dev.responsesrelay.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Where stored responses live. The relay ships an in-memory store ({@link InMemoryResponseStore})
 * and, in {@code relay-store}, SQLite and PostgreSQL stores; an embedding server may supply its
 * own.
 *
 * <p><b>Contract.</b> Every method is scoped: a response or item stored under one scope is
 * invisible under any other, and nothing lists across scopes. A response past the store's retention,
 * or deleted, is absent. Stored responses are immutable, so concurrent turns that continue the same
 * response are safe without locks. Implementations must be thread-safe. A store that cannot be
 * reached throws {@link StoreUnavailableException}; a row it cannot read (corrupt, foreign) is
 * treated as absent, never thrown as something else.
 */
public interface ResponseStore {
    /** The response with this id under this scope, if stored, not expired and not deleted. */
    Optional<StoredResponse> get(String scope, String responseId);

    /**
     * The chain that ends at {@code responseId}, oldest first: the response, the one it continued,
     * and so on back to the start. Empty if the response itself is absent; ends early (without the
     * start) if a link is missing, so the caller can tell. The default walks {@link #get}; a
     * database store answers with one query.
     *
     * @param maxLength the most responses to return; a longer chain returns its newest {@code
     *     maxLength} links (so the caller sees it does not reach the start)
     */
    default List<StoredResponse> chain(String scope, String responseId, int maxLength) {
        Deque<StoredResponse> links = new ArrayDeque<>();
        String next = responseId;
        while (next != null && links.size() < maxLength) {
            Optional<StoredResponse> link = get(scope, next);
            if (link.isEmpty()) {
                break;
            }
            links.addFirst(link.get());
            next = link.get().previousResponseId();
        }
        return new ArrayList<>(links);
    }

    /**
     * The newest stored item with this id under this scope, input or output, for {@code
     * item_reference} and for reasoning items sent back by id alone.
     */
    Optional<StoredItem> findItem(String scope, String itemId);

    /** Stores a response; storing the same id again replaces it. */
    void put(StoredResponse response);

    /** Deletes the response; returns whether it was there. Responses that continued it stay. */
    boolean delete(String scope, String responseId);
}
